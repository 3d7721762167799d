//! Duration and success rate over time, drawn as SVG by this small component (no charting
//! crate in the WASM): activations fall into equal time buckets; each bucket is a bar of its
//! mean duration and a point of its success rate. Colours are the theme's variables, and
//! the same figures are in a table as the text alternative.

use leptos::prelude::*;
use providers::ActivationStatus;

use super::table::thousands;
use crate::api::{ActivationSample, SamplePoint};
use crate::components::DataTable;

use super::time::{format_duration, format_utc};

/// Buckets drawn at most.
const MOST_BUCKETS: usize = 24;
/// The drawing's size in its own units (it scales to the page's width).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;
const PAD: f64 = 24.0;

/// The activations that started in one time bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// The bucket's start, epoch ms.
    pub from_ms: i64,
    /// How many started in it.
    pub count: usize,
    /// How many of them succeeded.
    pub succeeded: usize,
    /// Their mean duration, ms (of those with one).
    pub mean_ms: Option<u64>,
}

impl Bucket {
    /// The share that succeeded, 0–1 (of those that ended).
    pub fn success_rate(&self) -> f64 {
        self.succeeded as f64 / self.count.max(1) as f64
    }
}

/// The activations, in up to `n` equal buckets from the first to the last start (oldest
/// first). Running ones (no outcome yet) are left out.
pub fn buckets(points: &[SamplePoint], n: usize) -> Vec<Bucket> {
    let ended: Vec<&SamplePoint> = points
        .iter()
        .filter(|a| a.status != ActivationStatus::Pending)
        .collect();
    let starts = ended.iter().map(|a| a.start_ms);
    let (Some(first), Some(last)) = (starts.clone().min(), starts.max()) else {
        return Vec::new();
    };
    let n = n.clamp(1, ended.len());
    let width = ((last - first) / n as i64 + 1).max(1);
    let mut out: Vec<(Bucket, u64, usize)> = (0..n)
        .map(|i| {
            let bucket = Bucket {
                from_ms: first + i as i64 * width,
                count: 0,
                succeeded: 0,
                mean_ms: None,
            };
            (bucket, 0, 0)
        })
        .collect();
    for a in ended {
        let i = (((a.start_ms - first) / width) as usize).min(n - 1);
        let (bucket, sum, timed) = &mut out[i];
        bucket.count += 1;
        bucket.succeeded += usize::from(a.status.is_success());
        if let Some(d) = a.duration_ms {
            *sum += d;
            *timed += 1;
        }
    }
    out.into_iter()
        .filter(|(b, ..)| b.count > 0)
        .map(|(mut b, sum, timed)| {
            b.mean_ms = (timed > 0).then(|| sum / timed as u64);
            b
        })
        .collect()
}

/// The chart of the range's newest activations.
#[component]
pub fn ActivationChart(sample: ActivationSample) -> impl IntoView {
    let buckets = buckets(&sample.points, MOST_BUCKETS);
    if buckets.is_empty() {
        return ().into_any();
    }
    let count: usize = buckets.iter().map(|b| b.count).sum();
    let succeeded: usize = buckets.iter().map(|b| b.succeeded).sum();
    let slowest = buckets
        .iter()
        .filter_map(|b| b.mean_ms)
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (WIDTH - 2.0 * PAD) / buckets.len() as f64;
    let plot = HEIGHT - 2.0 * PAD;
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = b.mean_ms.unwrap_or(0) as f64 / slowest as f64 * plot;
            let x = PAD + i as f64 * slot + slot * 0.15;
            view! { <rect class="chart-bar" x=x y=HEIGHT - PAD - h width=slot * 0.7 height=h /> }
        })
        .collect_view();
    let points: Vec<String> = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = PAD + (i as f64 + 0.5) * slot;
            let y = HEIGHT - PAD - b.success_rate() * plot;
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let of = match sample.total {
        Some(total) if total > count as u64 => {
            format!(
                "The newest {} of the {} activations in this range",
                thousands(count as u64),
                thousands(total)
            )
        }
        _ => format!("{} activations in this range", thousands(count as u64)),
    };
    let summary = format!(
        "{of}: {}% succeeded; mean duration per interval up to {}.",
        (succeeded * 100) / count.max(1),
        format_duration(slowest)
    );
    let table_rows = buckets
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <td>{format_utc(b.from_ms)}</td>
                    <td class="numeric">{b.count}</td>
                    <td class="numeric">{format!("{:.0}%", b.success_rate() * 100.0)}</td>
                    <td class="numeric">{b.mean_ms.map(format_duration).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="activation-chart">
            // The legend is HTML: the drawing stretches to the page's width, text in it would too.
            <p class="chart-legend" aria-hidden="true">
                <span class="swatch swatch-bar"></span>
                {format!("mean duration (bars, top = {})", format_duration(slowest))}
                <span class="swatch swatch-rate"></span>
                "success rate (line, 0–100%)"
            </p>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=summary.clone() preserveAspectRatio="none">
                <line class="chart-axis" x1=PAD y1=HEIGHT - PAD x2=WIDTH - PAD y2=HEIGHT - PAD />
                {bars}
                <polyline class="chart-rate" points=points.join(" ") />
            </svg>
            <figcaption>
                {summary}
                <details>
                    <summary>"Chart data"</summary>
                    <DataTable columns=&["From (UTC)", "Activations", "Succeeded", "Mean duration"]>
                        {table_rows}
                    </DataTable>
                </details>
            </figcaption>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(start: i64, status: ActivationStatus, duration: u64) -> SamplePoint {
        SamplePoint {
            start_ms: start,
            duration_ms: Some(duration),
            status,
        }
    }

    #[test]
    fn activations_fall_into_time_buckets_with_their_rate_and_mean() {
        use ActivationStatus::*;
        let rows = [
            ran(0, Success, 10),
            ran(5, ApplicationError, 30),
            ran(100, Success, 50),
            ran(199, Success, 70),
            ran(300, Pending, 1),
        ];
        let b = buckets(&rows, 2);
        assert_eq!(b.len(), 2);
        assert_eq!(
            (b[0].from_ms, b[0].count, b[0].succeeded, b[0].mean_ms),
            (0, 2, 1, Some(20))
        );
        assert_eq!((b[1].count, b[1].succeeded, b[1].mean_ms), (2, 2, Some(60)));
        assert!((b[0].success_rate() - 0.5).abs() < 1e-9);
        assert!(buckets(&[], 5).is_empty());
        assert_eq!(
            buckets(&rows[..1], 24).len(),
            1,
            "one activation, one bucket"
        );
    }
}
