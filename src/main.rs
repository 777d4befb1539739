// mimalloc: loading parses 10,000 small files into many small allocations on every core, and
// the history walk allocates per commit; glibc's malloc spent a tenth of their time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    flags::run(std::env::args_os())
}
