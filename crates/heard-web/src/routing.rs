//! Routing learned from the council's own history, kept fresh while heard runs.
//!
//! Intake asks the live model first (see `heard_store::intake`); this module trains it from
//! the store's settled cases and agents' corrections (see `heard_store::routing`), at start
//! when there is history but no model, and again once enough corrections have gathered or
//! the model has aged. Training runs on a blocking thread, one at a time per node, and the
//! new model replaces the old only once it is safely on disk.

use heard_store::Store;
use heard_understand::route::{Example, LiveRouter, ModelInfo, RouteError, Router, TrainOptions};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;

/// How routing learned from history is set up (`[routing]` in the config).
#[derive(Debug, Clone)]
pub struct Routing {
    pub model: Arc<LiveRouter>,
    /// The service that holds contacts the model was unsure of.
    pub triage_service: String,
    /// Retrain once this many corrections have been made since the last training.
    pub retrain_after: u32,
    /// Retrain at least this often while new cases settle.
    pub retrain_every: Duration,
}

impl Routing {
    /// What intake needs of it.
    pub fn learned(&self) -> heard_store::LearnedRouting {
        heard_store::LearnedRouting {
            model: self.model.clone(),
            triage_service: self.triage_service.clone(),
        }
    }
}

/// Settled cases read for one training at most (the newest first).
const HISTORY: u32 = 200_000;
/// Fewer settled cases than this, or fewer than two services, and heard keeps routing
/// by keywords: a model from a handful of cases would send contacts astray with confidence.
pub const MIN_EXAMPLES: usize = 60;
/// A correction counts as this many settled cases: it is the model's mistake, fixed.
const CORRECTION_WEIGHT: usize = 3;
/// How often the training loop looks at the corrections.
const CHECK_EVERY: Duration = Duration::from_secs(600);

/// Why a training did not finish (the model in use stays).
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("reading the history: {0}")]
    Store(#[from] heard_store::StoreError),
    #[error(transparent)]
    Route(#[from] RouteError),
    #[error("the training thread stopped: {0}")]
    Thread(#[from] tokio::task::JoinError),
}

/// What one training did.
#[derive(Debug, Clone)]
pub enum Trained {
    /// A new model is in use.
    Model { info: Box<ModelInfo>, corrections: usize },
    /// Not enough settled history yet; keywords keep routing.
    TooLittle { examples: usize, labels: usize },
}

/// Trains a model from the store's settled history and puts it in use.
pub async fn train_from_history(store: &Store, routing: &Routing) -> Result<Trained, TrainingError> {
    let history = store.routing_history(&routing.triage_service, HISTORY).await?;
    let corrections = history.iter().filter(|e| e.corrected).count();
    let mut examples = Vec::with_capacity(history.len() + corrections * (CORRECTION_WEIGHT - 1));
    for e in history {
        let copies = if e.corrected { CORRECTION_WEIGHT } else { 1 };
        for _ in 0..copies {
            examples.push(Example {
                id: serde_json::json!(e.case_id),
                subject: e.subject.clone(),
                text: e.text.clone(),
                label: Some(e.label.clone()),
            });
        }
    }
    let labels = examples
        .iter()
        .filter_map(|e| e.label.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if examples.len() < MIN_EXAMPLES || labels < 2 {
        return Ok(Trained::TooLittle {
            examples: examples.len(),
            labels,
        });
    }
    let model = routing.model.clone();
    let info = tokio::task::spawn_blocking(move || -> Result<ModelInfo, RouteError> {
        // One thread: the server keeps the other cores for the people using it.
        let options = TrainOptions {
            threads: 1,
            ..TrainOptions::default()
        };
        let router = Router::train(&examples, &options)?;
        let info = router.info().clone();
        model.install(router)?;
        Ok(info)
    })
    .await??;
    Ok(Trained::Model {
        info: Box::new(info),
        corrections,
    })
}

/// Keeps the model trained while heard serves (see the module docs).
pub fn spawn_training(store: Store, routing: Routing) {
    use tracing::Instrument;
    tokio::spawn(async move {
        // A model already on disk counts from when it was written.
        let mut last: Option<Timestamp> = routing.model.saved_at().and_then(|t| Timestamp::try_from(t).ok());
        loop {
            if training_due(&store, &routing, last).await {
                let started = Timestamp::now();
                let round = train_from_history(&store, &routing).instrument(tracing::info_span!("routing training"));
                match round.await {
                    Ok(Trained::Model { info, corrections }) => tracing::info!(
                        examples = info.examples,
                        labels = info.labels.len(),
                        corrections,
                        holdout_macro_f1 = info.holdout_macro_f1,
                        "routing model trained from history and in use"
                    ),
                    Ok(Trained::TooLittle { examples, labels }) => tracing::info!(
                        examples,
                        labels,
                        "too little settled history to learn routing from yet; keywords route"
                    ),
                    Err(e) => tracing::warn!(error = %e, "routing training failed; the model in use stays"),
                }
                last = Some(started);
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// Train now? At start without a model; then hourly while there is none, and once enough
/// corrections have gathered or the model has aged.
async fn training_due(store: &Store, routing: &Routing, last: Option<Timestamp>) -> bool {
    let Some(at) = last else { return true };
    let elapsed = Duration::from_secs(Timestamp::now().duration_since(at).as_secs().max(0) as u64);
    if routing.model.current().is_none() {
        return elapsed >= Duration::from_secs(3600);
    }
    if elapsed >= routing.retrain_every {
        return true;
    }
    match store.routing_corrections_since(at).await {
        Ok(n) => n >= i64::from(routing.retrain_after),
        Err(e) => {
            tracing::warn!(error = %e, "counting routing corrections failed");
            false
        }
    }
}
