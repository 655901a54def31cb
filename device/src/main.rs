//! The TV: a CLI that starts a device authorization, shows the user code and a QR code, and polls
//! for the token (filled in by the device issue).

fn main() {
    eprintln!("device: not built yet; see the device CLI issue");
    std::process::exit(2);
}
