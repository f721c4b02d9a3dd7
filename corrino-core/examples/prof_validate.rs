use corrino_core::{PlanOptions, validate_bytes};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .map_or(200_000, |s| s.parse().unwrap());
    let bytes = std::fs::read(path).unwrap();
    let options = PlanOptions::default();
    let t = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..n {
        total += validate_bytes(&bytes, &options).len();
    }
    println!(
        "{:.2} µs per call ({total})",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
