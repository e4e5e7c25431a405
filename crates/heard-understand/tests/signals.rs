//! The dissatisfaction and actionable signals: clear cases, negation, chasing, safeguarding,
//! and no panic on any input.

use heard_understand::signals::{Field, Signals, assess};
use proptest::prelude::*;

fn on(text: &str) -> Signals {
    assess(None, text)
}

fn labels(s: &heard_understand::signals::Signal) -> Vec<&'static str> {
    s.cues.iter().map(|c| c.label).collect()
}

#[test]
fn clear_dissatisfaction_and_clear_praise() {
    assert!(
        on("This is disgraceful. The worst service I have ever had from the council.")
            .dissatisfied
            .is_on()
    );
    assert!(
        on("I want to make a formal complaint about how my claim was handled.")
            .dissatisfied
            .is_on()
    );
    assert!(
        !on("Thank you to the team at the library, so helpful as always.")
            .dissatisfied
            .is_on()
    );
    assert!(
        !on("Please could you send me a new recycling box? Ours was lost.")
            .dissatisfied
            .is_on()
    );
}

#[test]
fn negation_turns_words_round() {
    let s = on("I am not happy with the way my housing repair has been handled.");
    assert!(s.dissatisfied.is_on());
    assert!(labels(&s.dissatisfied).contains(&"not satisfied"));
    assert!(
        !on("No complaints at all, the bins are collected every week. Thanks")
            .dissatisfied
            .is_on()
    );
    assert!(
        !on("Can't complain about the new opening hours, they suit us well")
            .dissatisfied
            .is_on()
    );
    assert!(!on("Thanks for sorting it so quickly").dissatisfied.is_on());
}

#[test]
fn chasing_is_dissatisfaction_about_lack_of_action() {
    for text in [
        "Still waiting for someone to come and look at the damp in our bedroom.",
        "This is the third time I've asked for the broken gate to be repaired.",
        "Nobody has got back to me about the rats in the bin store.",
        "I was promised a call back on Monday and heard nothing since.",
    ] {
        let s = on(text);
        assert!(s.dissatisfied.is_on(), "{text}: {}", s.dissatisfied.probability);
        assert!(s.actionable.is_on(), "{text}");
    }
}

#[test]
fn a_first_report_is_a_request_not_dissatisfaction() {
    let s = on("There's a pothole on Hales Road outside the post office, about a foot wide. Photo attached");
    assert!(!s.dissatisfied.is_on());
    assert!(s.actionable.is_on());
    assert!(labels(&s.actionable).contains(&"problem"));
}

#[test]
fn complaining_about_a_neighbour_is_not_about_the_council() {
    let s = on("I'd like to complain about my neighbour's hedge, it blocks the pavement");
    assert!(!s.dissatisfied.is_on(), "{}", s.dissatisfied.probability);
    assert!(s.actionable.is_on());
}

#[test]
fn the_councils_own_post_is_neither() {
    let s = on("Not happy with your new bin day? Here's how to check your dates and sign up for reminders");
    assert!(!s.dissatisfied.is_on(), "{}", s.dissatisfied.probability);
    assert!(!s.actionable.is_on());
}

#[test]
fn thanks_chatter_and_general_questions_are_not_actionable() {
    for text in [
        "Thanks, brilliant work by the crews today!",
        "What time does the tip close on Sundays?",
        "lol 😂",
    ] {
        assert!(!on(text).actionable.is_on(), "{text}");
    }
}

#[test]
fn safeguarding_is_always_actionable() {
    for text in [
        "I'm worried about the old man next door, I haven't seen him for days",
        "There are two small children left alone in the flat upstairs",
        "Thank you. I think my mum's carer is taking money from her purse",
        "lol my neighbour hits her kids",
        "Rwy'n poeni am fy nghymydog",
    ] {
        let s = on(text);
        assert!(s.safeguarding, "{text}");
        assert!(s.actionable.probability >= 0.95, "{text}");
        assert!(labels(&s.actionable).contains(&"safeguarding"), "{text}");
    }
}

#[test]
fn welsh_basics() {
    assert!(on("Mae'r bin wedi ei fethu eto. Gwarthus.").dissatisfied.is_on());
    assert!(on("Mae twll mawr yn y ffordd ger yr ysgol").actionable.is_on());
    assert!(!on("Diolch yn fawr am y gwasanaeth gwych").actionable.is_on());
}

#[test]
fn cues_point_into_the_right_field() {
    let subject = "Still waiting - third request";
    let text = "Please, this is unacceptable.";
    let s = assess(Some(subject), text);
    assert!(s.dissatisfied.is_on());
    for c in &s.dissatisfied.cues {
        let field = if c.field == Field::Subject { subject } else { text };
        assert!(field.get(c.start..c.end).is_some(), "{c:?}");
    }
    assert!(
        s.dissatisfied
            .cues
            .iter()
            .any(|c| c.field == Field::Subject && &subject[c.start..c.end] == "Still waiting")
    );
}

#[test]
fn quoted_history_does_not_count() {
    let s = on(
        "Thanks, that's all sorted now.\n\nOn 3 May, Council wrote:\n> Are you unhappy with our service? Disgraceful.",
    );
    assert!(!s.dissatisfied.is_on());
}

#[test]
fn enormous_and_empty_input() {
    assert!(!on("").dissatisfied.is_on());
    assert!(!on("   \n\t ").actionable.is_on());
    let huge = "still waiting, disgraceful! ".repeat(200_000);
    let t = std::time::Instant::now();
    let s = on(&huge);
    assert!(s.dissatisfied.is_on());
    assert!(
        t.elapsed() < std::time::Duration::from_secs(1),
        "huge text read in part only"
    );
    let binary: String = (0u8..=255).cycle().take(50_000).map(char::from).collect();
    let _ = assess(Some(&binary), &binary);
}

proptest! {
    #[test]
    fn never_panics_and_spans_are_valid(subject in proptest::option::of(".{0,80}"), text in ".{0,600}") {
        let s = assess(subject.as_deref(), &text);
        for sig in [&s.dissatisfied, &s.actionable] {
            prop_assert!((0.0..=1.0).contains(&sig.probability));
            for c in &sig.cues {
                let field = if c.field == Field::Subject { subject.as_deref().unwrap_or("") } else { text.as_str() };
                prop_assert!(c.start < c.end && field.get(c.start..c.end).is_some());
            }
        }
    }

    #[test]
    fn never_panics_on_cue_soup(words in proptest::collection::vec(
        prop_oneof![Just("not"), Just("happy"), Just("still"), Just("waiting"), Just("'r"), Just("complain"),
            Just("neighbour"), Just("3rd"), Just("time"), Just("?"), Just("!"), Just("ŵ"), Just("\n"), Just("’"),
            Just("worried"), Just("about"), Just("#"), Just("AGAIN")], 0..60)) {
        let text = words.join(" ");
        let s = assess(Some(&text), &text);
        prop_assert!(s.actionable.probability.is_finite());
    }
}
