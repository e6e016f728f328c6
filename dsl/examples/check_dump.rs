fn main() {
    let path = std::env::args().nth(1).expect("path");
    let src = std::fs::read_to_string(&path).expect("read");
    let checked = entitle_dsl::check(&src);
    println!("{}", checked.diagnostics.render_with_source(&src, &path));
    println!("program: {}", checked.program.is_some());
    match entitle_dsl::format(&src) {
        Ok(f) => {
            println!("--- formatted\n{f}");
            let again = entitle_dsl::format(&f).expect("reformat");
            println!("stable: {}", again == f);
            println!(
                "same ast: {}",
                entitle_dsl::parse(&f).program == entitle_dsl::parse(&src).program
            );
        }
        Err(d) => println!("format refused: {d}"),
    }
}
