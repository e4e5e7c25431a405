use heard_trends::text::{DIM, Features, Vectorizer, dot};
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut v = Vectorizer::default();
    for t in &args {
        v.learn(&Features::of(t));
    }
    let vs: Vec<Vec<f32>> = args
        .iter()
        .map(|t| {
            let mut o = vec![0.0; DIM];
            v.embed(&Features::of(t), &mut o);
            o
        })
        .collect();
    for i in 0..vs.len() {
        for j in i + 1..vs.len() {
            println!("{i} {j} {:.3}", dot(&vs[i], &vs[j]));
        }
    }
}
