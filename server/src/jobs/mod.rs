//! Background jobs. Each takes a lease in the database before it runs, so that with several
//! console instances on one PostgreSQL, one instance runs each job at a time.

use std::future::Future;
use std::time::Duration;

use cloudtrust_backend::store::Store;
use tracing::{Instrument, debug, error, info_span};

/// Runs `work` every `every`, on the instance `holder` while it holds the lease on `job`.
pub fn spawn_leased<F, Fut>(
    store: Store,
    job: &'static str,
    holder: String,
    every: Duration,
    work: F,
) where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let span = info_span!("job", job);
    tokio::spawn(
        async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                match store.try_lease(job, &holder, every * 2).await {
                    Ok(true) => {}
                    Ok(false) => {
                        debug!("another instance holds the lease");
                        continue;
                    }
                    Err(err) => {
                        error!(%err, "could not take the job lease");
                        continue;
                    }
                }
                let started = std::time::Instant::now();
                let outcome = work().await;
                crate::telemetry::job_ran(job, started, outcome.is_ok());
                match outcome {
                    Ok(()) => debug!("job run finished"),
                    Err(err) => error!(%err, "job run failed"),
                }
            }
        }
        .instrument(span),
    );
}
