fn main() {
    // Linker settings a Node addon needs on some platforms (macOS's undefined-symbol lookup, …).
    napi_build::setup();
}
