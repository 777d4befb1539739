//! Global behaviour: discovery, exit codes, --version/--help, colour, list/show/init/schema/completions.
