//! `device`: the TV side of RFC 8628 on the command line; parses the flags, runs the library's
//! flow on stdout until it ends or Ctrl-C, and exits with the outcome's code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = device::Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("device: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(device::run_on_stdout(&args));
    ExitCode::from(outcome.exit_code())
}
