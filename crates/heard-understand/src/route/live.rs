//! The routing model a running heard uses: loaded from its folder at start, replaced
//! whole when the background training writes a better one, and never lost to a bad file
//! (a model that cannot be read leaves the last good one in place).

use super::{RouteError, Router, Routing};
use heard_core::{CaseKind, Learned, LearnedRouter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// A shared, swappable [`Router`] with the council's triage threshold.
#[derive(Debug)]
pub struct LiveRouter {
    dir: PathBuf,
    threshold: f32,
    current: RwLock<Option<Arc<Router>>>,
}

impl LiveRouter {
    /// A live router over the model folder `dir`, loading the model there if there is one.
    /// A missing model is not an error (the keywords route until one is trained); an
    /// unreadable one is returned beside the router, for the caller to log.
    pub fn open(dir: &Path, threshold: f32) -> (Arc<LiveRouter>, Option<RouteError>) {
        let live = LiveRouter {
            dir: dir.to_path_buf(),
            threshold,
            current: RwLock::new(None),
        };
        let problem = if dir.join(super::model::MODEL_FILE).exists() {
            live.reload().err()
        } else {
            None
        };
        (Arc::new(live), problem)
    }

    /// Where the model lives.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The confidence below which contacts go to triage.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// When the model on disk was written, if there is one.
    pub fn saved_at(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.dir.join(super::model::MODEL_FILE))
            .and_then(|m| m.modified())
            .ok()
    }

    /// The model in use, if any.
    pub fn current(&self) -> Option<Arc<Router>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Reads the model folder again. On error the model in use stays.
    pub fn reload(&self) -> Result<(), RouteError> {
        let fresh = Router::load(&self.dir)?;
        self.replace(fresh);
        Ok(())
    }

    /// Saves `router` into the model folder (atomically) and starts using it.
    pub fn install(&self, router: Router) -> Result<(), RouteError> {
        router.save(&self.dir)?;
        self.replace(router);
        Ok(())
    }

    fn replace(&self, router: Router) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(router));
    }
}

impl LearnedRouter for LiveRouter {
    fn route(&self, subject: Option<&str>, text: &str) -> Option<Learned> {
        let model = self.current()?;
        Some(match model.route(subject, text, self.threshold) {
            Routing::Service {
                service,
                kind,
                confidence,
                ..
            } => Learned::Service {
                service: service.to_string(),
                // A label naming no kind heard knows routes the service and leaves the kind.
                kind: kind.and_then(|k| k.parse::<CaseKind>().ok()),
                confidence,
            },
            Routing::Triage { best, confidence } => Learned::Triage {
                best: best.to_string(),
                confidence,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::{Example, TrainOptions};

    fn examples() -> Vec<Example> {
        let mut out = Vec::new();
        for i in 0..30 {
            for (label, text) in [
                (
                    "waste/request",
                    "my bin was not collected again this week, the bin is still full",
                ),
                (
                    "highways/incident",
                    "there is a deep pothole in the road outside my house",
                ),
                (
                    "council-tax/enquiry",
                    "question about my council tax bill and the direct debit",
                ),
            ] {
                out.push(Example {
                    id: serde_json::json!(format!("{label}-{i}")),
                    subject: None,
                    text: format!("{text} {i}"),
                    label: Some(label.to_string()),
                });
            }
        }
        out
    }

    #[test]
    fn routes_with_kinds_and_keeps_the_last_good_model() {
        let dir = std::env::temp_dir().join(format!("heard-live-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (live, problem) = LiveRouter::open(&dir, 0.5);
        assert!(problem.is_none(), "a missing model is not a problem");
        assert_eq!(
            live.route(None, "pothole in the road"),
            None,
            "no model: keywords decide"
        );

        let router = Router::train(&examples(), &TrainOptions::default()).expect("trains");
        live.install(router).expect("saves");
        match live.route(None, "the bin was not collected") {
            Some(Learned::Service { service, kind, .. }) => {
                assert_eq!(service, "waste");
                assert_eq!(kind, Some(CaseKind::Request));
            }
            other => panic!("expected waste, got {other:?}"),
        }

        // A corrupt file on disk: reloading fails and the model in use stays.
        std::fs::write(dir.join(crate::route::model::MODEL_FILE), b"not a model").expect("writes");
        assert!(live.reload().is_err());
        assert!(matches!(
            live.route(None, "pothole in the road"),
            Some(Learned::Service { .. })
        ));
        let (_, problem) = LiveRouter::open(&dir, 0.5);
        assert!(problem.is_some(), "a corrupt model is reported at start");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn below_the_threshold_goes_to_triage() {
        let dir = std::env::temp_dir().join(format!("heard-live-triage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (live, _) = LiveRouter::open(&dir, 0.999);
        live.install(Router::train(&examples(), &TrainOptions::default()).expect("trains"))
            .expect("saves");
        assert!(matches!(
            live.route(None, "hello, something else entirely"),
            Some(Learned::Triage { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
