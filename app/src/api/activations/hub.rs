//! Live mode on a cloud connection: the provider has no feed, so the server polls its
//! activation list, one follower task per connection however many viewers watch it. The task
//! starts with the first viewer, reads the newest page with a bounded backoff (quiet or
//! failing reads space out, news brings it back to the shortest pause), sends every viewer
//! each activation it has not seen in that state, and ends once the last viewer has left.
//! Compiled into the server only.

use futures::StreamExt;
use providers::client::{ActivationStream, Client, Operations};
use providers::{
    Activation, ActivationQuery, ActivationStatus, ErrorKind, PageRequest, ProviderError,
};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::broadcast;

use crate::api::run_follow::Backoff;

/// The shortest pause between two reads of the list, ms (after news, and at the start).
pub(crate) const FIRST_PAUSE_MS: u64 = 1_000;
/// The longest pause, ms: a quiet or failing provider is read no less often than this.
pub(crate) const LONGEST_PAUSE_MS: u64 = 8_000;
/// Activations read per poll: the newest page. More new ones than this between two reads
/// are skipped (the list has them), as the engine's feed skips for a viewer far behind.
const NEWEST: u64 = 50;
/// Activations a slow viewer may fall behind by before it skips some.
const BACKLOG: usize = 256;

/// What a follower sends its viewers: an activation new or changed, or why it stopped.
type Item = Result<Activation, ProviderError>;

/// Where the follower reads the newest activations: a provider's client, or a fake in tests.
pub(crate) trait Newest: Send + Sync + 'static {
    /// The newest activations, newest first.
    fn newest(&self) -> impl Future<Output = Result<Vec<Activation>, ProviderError>> + Send;
}

impl Newest for Client {
    async fn newest(&self) -> Result<Vec<Activation>, ProviderError> {
        let page = self
            .list_activations(&ActivationQuery::default(), &PageRequest::first(NEWEST))
            .await?;
        Ok(page.items)
    }
}

/// The followers running, one per connection id, each as the sender its viewers subscribe to.
#[derive(Clone, Default)]
pub(crate) struct Hub(Arc<Mutex<HashMap<String, broadcast::Sender<Item>>>>);

/// The server's hub.
static HUB: LazyLock<Hub> = LazyLock::new(Hub::default);

/// `client`'s new activations for one viewer of connection `id`, through the server's hub.
pub(crate) fn watch(id: &str, client: &Client) -> ActivationStream {
    HUB.watch(id, || client.clone())
}

impl Hub {
    /// A viewer of connection `id`: its follower's news from now on. The first viewer starts
    /// the follower, reading with what `source` makes.
    pub(crate) fn watch<N: Newest>(
        &self,
        id: &str,
        source: impl FnOnce() -> N,
    ) -> ActivationStream {
        let mut followers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let rx = match followers.get(id) {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = broadcast::channel(BACKLOG);
                followers.insert(id.to_string(), tx.clone());
                tokio::spawn(follow(self.clone(), id.to_string(), tx, source()));
                rx
            }
        };
        viewer(rx)
    }

    /// How many followers run.
    #[cfg(test)]
    pub(crate) fn followers(&self) -> usize {
        self.0.lock().map_or(0, |f| f.len())
    }

    /// Removes `tx`'s follower if nobody watches it; answers whether it did. Viewers
    /// subscribe under the same lock, so none can join a follower that is ending.
    fn leave_if_unwatched(&self, id: &str, tx: &broadcast::Sender<Item>) -> bool {
        let mut followers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if tx.receiver_count() > 0 {
            return false;
        }
        if followers.get(id).is_some_and(|t| t.same_channel(tx)) {
            followers.remove(id);
        }
        true
    }

    /// Removes `tx`'s follower at once (it failed for good).
    fn remove(&self, id: &str, tx: &broadcast::Sender<Item>) {
        let mut followers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if followers.get(id).is_some_and(|t| t.same_channel(tx)) {
            followers.remove(id);
        }
    }
}

/// One viewer's stream: what its follower sends; a viewer too slow skips what it missed.
fn viewer(rx: broadcast::Receiver<Item>) -> ActivationStream {
    Box::pin(
        futures::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(item) => return Some((item, rx)),
                    Err(broadcast::error::RecvError::Lagged(skipped)) => {
                        tracing::debug!(skipped, "a live viewer fell behind");
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
        // Ended, it stays ended for whoever asks again.
        .fuse(),
    )
}

/// The follower of connection `id`: reads, sends what is new, pauses, until nobody watches.
/// A refusal (a key no longer accepted, say) is sent to the viewers and ends it.
async fn follow<N: Newest>(hub: Hub, id: String, tx: broadcast::Sender<Item>, source: N) {
    let mut seen: Option<Seen> = None;
    let mut backoff = pauses();
    loop {
        match source.newest().await {
            Ok(rows) => {
                let news = match &mut seen {
                    // The first read is what the viewers' listing already shows.
                    None => {
                        seen = Some(Seen::of(&rows));
                        Vec::new()
                    }
                    Some(seen) => seen.news(rows),
                };
                if !news.is_empty() {
                    backoff = pauses();
                }
                for a in news {
                    // Nobody watching is found below.
                    let _ = tx.send(Ok(super::backend::summary(a)));
                }
            }
            Err(e) if passes(&e) => {
                tracing::debug!(connection = %id, error = %e, "live: a read failed")
            }
            Err(e) => {
                tracing::warn!(connection = %id, error = %e, "live: the provider refused; the follower stops");
                hub.remove(&id, &tx);
                let _ = tx.send(Err(e));
                return;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff.pause()) => {}
            () = tx.closed() => {}
        }
        if hub.leave_if_unwatched(&id, &tx) {
            return;
        }
    }
}

fn pauses() -> Backoff {
    Backoff::between(FIRST_PAUSE_MS, LONGEST_PAUSE_MS)
}

/// Whether a failed read may work next time (the provider or the network failed this once).
fn passes(e: &ProviderError) -> bool {
    matches!(
        e.kind,
        ErrorKind::Provider | ErrorKind::Timeout | ErrorKind::Network | ErrorKind::NotFound
    )
}

/// The state of each activation on the newest page as last read.
struct Seen(HashMap<String, (ActivationStatus, Option<i64>)>);

impl Seen {
    fn of(rows: &[Activation]) -> Self {
        Self(rows.iter().map(|a| (a.id.clone(), state(a))).collect())
    }

    /// The rows not seen before, or seen in another state (a pending one that ended), oldest
    /// first so the newest ends on top; what is seen becomes this page.
    fn news(&mut self, rows: Vec<Activation>) -> Vec<Activation> {
        let now = Self::of(&rows);
        let mut news: Vec<Activation> = rows
            .into_iter()
            .filter(|a| self.0.get(&a.id) != Some(&state(a)))
            .collect();
        news.reverse();
        *self = now;
        news
    }
}

fn state(a: &Activation) -> (ActivationStatus, Option<i64>) {
    (a.status, a.end_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::{Instant, sleep};

    /// A provider whose list is `rows` (newest first), answering `error` when set, and
    /// recording when each read came (ms after `start`).
    #[derive(Clone)]
    struct Fake {
        rows: Arc<Mutex<Vec<Activation>>>,
        error: Arc<Mutex<Option<ProviderError>>>,
        reads: Arc<Mutex<Vec<u64>>>,
        start: Instant,
    }

    impl Fake {
        fn new() -> Self {
            Self {
                rows: Arc::default(),
                error: Arc::default(),
                reads: Arc::default(),
                start: Instant::now(),
            }
        }

        fn add(&self, id: &str, status: ActivationStatus) {
            let mut rows = self.rows.lock().unwrap();
            rows.retain(|a| a.id != id);
            rows.insert(
                0,
                Activation {
                    end_ms: Some(1),
                    ..Activation::new(id, status)
                },
            );
        }

        fn reads(&self) -> Vec<u64> {
            self.reads.lock().unwrap().clone()
        }
    }

    impl Newest for Fake {
        async fn newest(&self) -> Result<Vec<Activation>, ProviderError> {
            let at = u64::try_from(self.start.elapsed().as_millis()).unwrap();
            self.reads.lock().unwrap().push(at);
            match self.error.lock().unwrap().clone() {
                Some(e) => Err(e),
                None => Ok(self.rows.lock().unwrap().clone()),
            }
        }
    }

    /// What `viewer` has been sent so far (without waiting for more).
    async fn received(viewer: &mut ActivationStream) -> Vec<String> {
        let mut ids = Vec::new();
        while let Ok(Some(item)) =
            tokio::time::timeout(Duration::from_millis(1), viewer.next()).await
        {
            ids.push(item.map_or_else(
                |e| format!("error: {e}"),
                |a| format!("{} {}", a.id, a.status.as_str()),
            ));
        }
        ids
    }

    #[tokio::test(start_paused = true)]
    async fn two_viewers_share_one_follower_and_each_gets_every_new_activation_once() {
        let (hub, fake) = (Hub::default(), Fake::new());
        fake.add("old", ActivationStatus::Success);
        let mut a = hub.watch("c1", || fake.clone());
        let mut b = hub.watch("c1", || -> Fake { panic!("a second follower was started") });
        assert_eq!(hub.followers(), 1);
        sleep(Duration::from_millis(1_100)).await;
        fake.add("new", ActivationStatus::Pending);
        sleep(Duration::from_millis(1_500)).await;
        fake.add("new", ActivationStatus::Success);
        fake.add("newer", ActivationStatus::Success);
        sleep(Duration::from_millis(1_000)).await;
        // Reads at 0, 1000, 2500 (news: back to 1 s), 3500 (news).
        assert_eq!(fake.reads(), [0, 1_000, 2_500, 3_500]);
        let want = ["new pending", "new success", "newer success"];
        assert_eq!(received(&mut a).await, want);
        assert_eq!(received(&mut b).await, want);
        // Quiet reads send nothing again.
        sleep(Duration::from_secs(10)).await;
        assert!(received(&mut a).await.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_follower_ends_when_the_last_viewer_leaves() {
        let (hub, fake) = (Hub::default(), Fake::new());
        let a = hub.watch("c1", || fake.clone());
        let b = hub.watch("c1", || fake.clone());
        sleep(Duration::from_millis(1_100)).await;
        drop(a);
        sleep(Duration::from_millis(2_000)).await;
        assert_eq!(hub.followers(), 1, "one viewer still watches");
        drop(b);
        sleep(Duration::from_millis(10)).await;
        assert_eq!(hub.followers(), 0);
        let reads = fake.reads().len();
        sleep(Duration::from_secs(60)).await;
        assert_eq!(fake.reads().len(), reads, "nobody reads for nobody");
        // A new viewer starts a new follower.
        let _c = hub.watch("c1", || fake.clone());
        sleep(Duration::from_millis(10)).await;
        assert_eq!((hub.followers(), fake.reads().len()), (1, reads + 1));
    }

    #[tokio::test(start_paused = true)]
    async fn failing_reads_space_out_up_to_the_longest_pause() {
        let (hub, fake) = (Hub::default(), Fake::new());
        *fake.error.lock().unwrap() = Some(ProviderError::new(ErrorKind::Provider, "503"));
        let mut a = hub.watch("c1", || fake.clone());
        sleep(Duration::from_secs(60)).await;
        let reads = fake.reads();
        let pauses: Vec<u64> = reads.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(pauses[..6], [1_000, 1_500, 2_250, 3_375, 5_062, 7_593]);
        assert!(
            pauses[6..].iter().all(|&p| p == LONGEST_PAUSE_MS),
            "{pauses:?}"
        );
        assert!(
            received(&mut a).await.is_empty(),
            "a passing failure is not news"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_refusal_reaches_every_viewer_and_ends_the_follower() {
        let (hub, fake) = (Hub::default(), Fake::new());
        let mut a = hub.watch("c1", || fake.clone());
        *fake.error.lock().unwrap() =
            Some(ProviderError::new(ErrorKind::Auth, "the key was refused"));
        sleep(Duration::from_millis(1_100)).await;
        let got = received(&mut a).await;
        assert_eq!(got.len(), 1);
        assert!(
            got[0].starts_with("error: ") && got[0].contains("refused"),
            "{got:?}"
        );
        assert_eq!(a.next().await.map(|_| ()), None, "the stream ends");
        assert_eq!(hub.followers(), 0);
    }

    #[test]
    fn what_is_new_is_what_was_not_seen_in_that_state() {
        let row = |id: &str, status| Activation::new(id, status);
        let mut seen = Seen::of(&[row("a", ActivationStatus::Pending)]);
        let news = seen.news(vec![
            row("c", ActivationStatus::Success),
            row("b", ActivationStatus::Success),
            row("a", ActivationStatus::Pending),
        ]);
        assert_eq!(
            news.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["b", "c"],
            "oldest first"
        );
        let news = seen.news(vec![
            row("c", ActivationStatus::Success),
            row("a", ActivationStatus::Timeout),
        ]);
        assert_eq!(
            news.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["a"]
        );
    }
}
