fn main() -> std::process::ExitCode {
    flags::run(std::env::args_os())
}
