//! What every handler shares: the environment in effect, the live data behind one mutex, and
//! the faults waiting for requests.

use std::sync::{Mutex, MutexGuard};

use crate::environment::Environment;
use crate::hook_guard::HookAccess;
use crate::hooks::FaultRule;
use crate::model::{Limits, Store};

pub(crate) struct Shared {
    pub env: Environment,
    /// Who may use the test hooks.
    pub hooks: HookAccess,
    store: Mutex<Store>,
    faults: Mutex<Vec<FaultRule>>,
}

impl Shared {
    pub fn new(env: Environment, hooks: HookAccess) -> Self {
        let limits = Limits {
            flows: env.max_flows,
            sessions: env.max_sessions,
            devices: env.max_devices,
        };
        Shared {
            env,
            hooks,
            store: Mutex::new(Store::new(limits)),
            faults: Mutex::new(Vec::new()),
        }
    }

    /// The live data, even if a panicking handler poisoned the lock (the data is still
    /// consistent: handlers never leave it half-updated across a panic point).
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The faults waiting for requests, poisoned or not.
    pub fn lock_faults(&self) -> MutexGuard<'_, Vec<FaultRule>> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }
}
