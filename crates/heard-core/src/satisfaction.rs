//! Satisfaction: the one question residents are asked when their case closes, and the
//! rule for when an answer means someone is unhappy. An unhappy answer is a
//! dissatisfaction signal: a manager follows it up, and under the Complaint Handling
//! Code it may be a complaint.

/// The answers, 1 (very dissatisfied) to 5 (very satisfied), in the order shown.
pub const SCORES: [(u8, &str); 5] = [
    (5, "Very satisfied"),
    (4, "Satisfied"),
    (3, "Neither satisfied nor dissatisfied"),
    (2, "Dissatisfied"),
    (1, "Very dissatisfied"),
];

/// Scores at or below this are unhappy whatever the comment says.
pub const UNHAPPY_AT_OR_BELOW: u8 = 2;

/// Longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// Words and phrases that mark a comment as unhappy, in English and Welsh (lower case).
/// A plain rule until the understanding issue's signals land; it errs towards a human
/// reading the comment.
const UNHAPPY_WORDS: &[&str] = &[
    "unhappy",
    "not happy",
    "disappointed",
    "disgusted",
    "appalling",
    "terrible",
    "awful",
    "useless",
    "rubbish",
    "still not",
    "not fixed",
    "not resolved",
    "nobody",
    "no one",
    "ignored",
    "complain",
    "rude",
    "waste of time",
    "unacceptable",
    "poor service",
    "shocking",
    "fed up",
    "angry",
    "furious",
    // Welsh.
    "anhapus",
    "siomedig",
    "ofnadwy",
    "annerbyniol",
    "cwyn",
    "dim wedi'i drwsio",
    "anwybyddu",
];

/// Whether an answer is a dissatisfaction signal: a low score, or a comment that reads
/// unhappy even beside a middling or good score ("satisfied, but the bin is still not
/// collected").
pub fn is_unhappy(score: u8, comment: &str) -> bool {
    if score <= UNHAPPY_AT_OR_BELOW {
        return true;
    }
    let text = comment.to_lowercase().replace('’', "'");
    UNHAPPY_WORDS.iter().any(|w| text.contains(w))
}

/// Checks a score (1–5); the error is for the person who sent it.
pub fn check_score(score: &str) -> Result<u8, &'static str> {
    match score.trim().parse::<u8>() {
        Ok(s) if (1..=5).contains(&s) => Ok(s),
        _ => Err("Choose how satisfied you are"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn low_scores_and_unhappy_comments_are_signals() {
        assert!(is_unhappy(1, ""));
        assert!(is_unhappy(2, "fine"));
        assert!(!is_unhappy(3, ""));
        assert!(!is_unhappy(5, "Thank you, sorted quickly"));
        assert!(is_unhappy(4, "Satisfied, but the bin is STILL NOT collected"));
        assert!(is_unhappy(5, "Nobody called me back"));
        assert!(is_unhappy(3, "Rwy'n siomedig iawn"));
        assert!(is_unhappy(4, "I want to complain about the officer"));
    }

    #[test]
    fn scores_are_one_to_five() {
        assert_eq!(check_score("5"), Ok(5));
        assert_eq!(check_score(" 1 "), Ok(1));
        for bad in ["", "0", "6", "x", "-1"] {
            assert!(check_score(bad).is_err(), "{bad}");
        }
    }
}
