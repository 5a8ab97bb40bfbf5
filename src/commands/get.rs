//! The default command: get a token and print it in the chosen format.

use anyhow::Result;

use crate::obtain::obtain;
use crate::output;
use crate::settings::Settings;

pub fn run(settings: &Settings) -> Result<()> {
    let got = obtain(settings)?;
    output::print(&output::render(
        &settings.output,
        &got.token,
        got.expires_at,
        got.now,
    ))
}
