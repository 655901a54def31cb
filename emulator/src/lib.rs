//! A faithful local PingOne for the device authorization flow (filled in by the emulator issue).
