fn main() {
    let path = std::env::args().nth(1).expect("path");
    let src = std::fs::read_to_string(&path).expect("read");
    let parsed = entitle_dsl::parse(&src);
    println!("{}", parsed.diagnostics.render_with_source(&src, &path));
    println!("{:#?}", parsed.program.items.len());
    for i in &parsed.program.items {
        println!("{:?}\n", i);
    }
}
