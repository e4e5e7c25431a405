//! English and Welsh for everything residents read: pages, emails, errors. Councils in
//! Wales must offer both.
//!
//! The English text is the key: `t(lang, "Track your case")` gives the Welsh when the
//! resident reads Welsh, and the English itself otherwise. Placeholders are `{name}`,
//! filled by [`tf`]. A test checks that every string the resident-facing templates ask
//! for has its Welsh, so a new English sentence cannot ship untranslated.
//!
//! Our own small table rather than a Fluent or gettext crate: a few dozen fixed
//! sentences, two languages, checked at test time, no files to load at run time.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The cookie that remembers a resident's choice of language.
const LANG_COOKIE: &str = "heard_lang";

/// A language residents read heard in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    /// `en` or `cy`, as in `<html lang>` and the customer's stored preference.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    pub fn is_welsh(self) -> bool {
        self == Lang::Cy
    }

    /// `en` or `cy` (also `en-GB`, `cy-GB`); anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let base = s.split(['-', '_']).next().unwrap_or("");
        match base {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }

    /// The other language, for the switch at the top of each page.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The `lang` value in a query string, if any.
fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Lang::parse(v))
}

/// The page's language: `?lang=` first, then the remembered choice, then the browser's
/// first preference; English by default.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        if let Some(l) = query_lang(parts.uri.query()) {
            return Ok(l);
        }
        if let Some(l) = crate::auth::cookie(&parts.headers, LANG_COOKIE).and_then(Lang::parse) {
            return Ok(l);
        }
        let browser = parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|first| Lang::parse(first.split(';').next().unwrap_or("")));
        Ok(browser.unwrap_or_default())
    }
}

/// Remembers `?lang=` (a link to switch language) in a cookie for the pages after.
pub(crate) async fn remember(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let chosen = query_lang(req.uri().query());
    let mut res = next.run(req).await;
    if let Some(l) = chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            l.code()
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The link to the same page in the other language: `path` with its query, `lang` set.
pub(crate) fn switch_link(path: &str, query: Option<&str>, to: Lang) -> String {
    let kept: Vec<&str> = query
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
        .collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("{path}?{q}lang={}", to.code())
}

/// What every resident-facing page shares: its language, the council, the switch.
pub(crate) struct Public {
    pub lang: Lang,
    pub council: String,
    /// The same page in the other language.
    pub toggle: String,
}

impl Public {
    /// `en` in this page's language (see [`t`]).
    pub fn t<'a>(&self, en: &'a str) -> &'a str {
        t(self.lang, en)
    }
}

/// The page frame's parts: `lang`, the council, and this page in the other language.
pub(crate) fn public(state: &crate::AppState, lang: Lang, uri: &axum::http::Uri) -> Public {
    Public {
        lang,
        council: state.settings().council_name.clone(),
        toggle: crate::i18n::switch_link(uri.path(), uri.query(), lang.other()),
    }
}

/// A form's own `lang` field wins over the request's (a post has no `?lang=`).
pub(crate) fn form_lang(field: Option<&str>, fallback: Lang) -> Lang {
    field.and_then(Lang::parse).unwrap_or(fallback)
}

/// `en` in `lang`: the Welsh from the table, or the English when the table has none.
pub fn t(lang: Lang, en: &str) -> &str {
    match lang {
        Lang::En => en,
        Lang::Cy => WELSH.get(en).copied().unwrap_or(en),
    }
}

/// [`t`], then each `{name}` replaced by its value.
pub fn tf(lang: Lang, en: &str, values: &[(&str, &str)]) -> String {
    let mut s = t(lang, en).to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

const DAYS_CY: [&str; 7] = [
    "Dydd Llun",
    "Dydd Mawrth",
    "Dydd Mercher",
    "Dydd Iau",
    "Dydd Gwener",
    "Dydd Sadwrn",
    "Dydd Sul",
];
const MONTHS_CY: [&str; 12] = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
];

/// A day in London, as "Friday 5 December 2026" or "Dydd Gwener 5 Rhagfyr 2026".
pub fn day(lang: Lang, t: &Timestamp) -> String {
    let z = t.to_zoned(crate::time::london_tz());
    match lang {
        Lang::En => z.strftime("%A %-d %B %Y").to_string(),
        Lang::Cy => format!(
            "{} {} {} {}",
            DAYS_CY[z.weekday().to_monday_zero_offset() as usize],
            z.day(),
            MONTHS_CY[(z.month() - 1) as usize],
            z.year()
        ),
    }
}

/// A moment in London, as "5 December 2026, 14:05" or "5 Rhagfyr 2026, 14:05".
pub fn moment(lang: Lang, t: &Timestamp) -> String {
    let z = t.to_zoned(crate::time::london_tz());
    match lang {
        Lang::En => z.strftime("%-d %B %Y, %H:%M").to_string(),
        Lang::Cy => format!(
            "{} {} {}, {}",
            z.day(),
            MONTHS_CY[(z.month() - 1) as usize],
            z.year(),
            z.strftime("%H:%M")
        ),
    }
}

static WELSH: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| CATALOGUE.iter().copied().collect());

/// English → Welsh, for every sentence residents read.
const CATALOGUE: &[(&str, &str)] = &[
    // The page frame.
    ("Skip to main content", "Neidio i'r prif gynnwys"),
    ("Language", "Iaith"),
    ("Error:", "Gwall:"),
    ("There is a problem", "Mae problem wedi codi"),
    ("Back", "Yn ôl"),
    ("Continue", "Parhau"),
    ("Send", "Anfon"),
    // Track your case: start.
    ("Track your case", "Dilyn eich achos"),
    (
        "See what is happening with something you reported or asked us, and tell us more.",
        "Gweld beth sy'n digwydd gyda rhywbeth y rhoesoch wybod i ni amdano neu y gofynnoch i ni amdano, a dweud mwy wrthym.",
    ),
    (
        "If we sent you an email about your case, the link in it opens your case straight away.",
        "Os anfonom e-bost atoch am eich achos, bydd y ddolen ynddo yn agor eich achos ar unwaith.",
    ),
    ("Case reference", "Cyfeirnod yr achos"),
    (
        "You will find it in our email or on the page you saw when you contacted us, for example",
        "Mae i'w weld yn ein e-bost neu ar y dudalen a welsoch pan wnaethoch gysylltu â ni, er enghraifft",
    ),
    ("Email address", "Cyfeiriad e-bost"),
    (
        "The email address you gave us. We will send a code to it.",
        "Y cyfeiriad e-bost a roesoch i ni. Byddwn yn anfon cod ato.",
    ),
    ("Send me a code", "Anfon cod ataf"),
    (
        "Enter your case reference, like {example}",
        "Rhowch gyfeirnod eich achos, fel {example}",
    ),
    (
        "Enter the email address you gave us when you contacted us",
        "Rhowch y cyfeiriad e-bost a roesoch i ni pan wnaethoch gysylltu â ni",
    ),
    (
        "We can only send a code by email at the moment. Enter the email address you gave us, or use the link in any email from us",
        "Dim ond drwy e-bost y gallwn anfon cod ar hyn o bryd. Rhowch y cyfeiriad e-bost a roesoch i ni, neu defnyddiwch y ddolen mewn unrhyw e-bost gennym ni",
    ),
    (
        "Enter an email address in the correct format, like name@example.com",
        "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
    ),
    (
        "You have tried too many times. Wait {minutes} minutes, then try again.",
        "Rydych wedi rhoi cynnig arni ormod o weithiau. Arhoswch {minutes} munud, yna rhowch gynnig arall arni.",
    ),
    // Track your case: the code.
    ("Check your email", "Gwiriwch eich e-bost"),
    (
        "If case {reference} was raised with {contact}, we have sent a 6-digit code to that address. The code works once, for 15 minutes.",
        "Os cafodd achos {reference} ei godi gyda {contact}, rydym wedi anfon cod 6 digid i'r cyfeiriad hwnnw. Mae'r cod yn gweithio unwaith, am 15 munud.",
    ),
    ("Code", "Cod"),
    ("For example, 123456", "Er enghraifft, 123456"),
    (
        "Not received it? It can take a few minutes. Check your spam folder, or",
        "Heb ei gael? Gall gymryd ychydig funudau. Gwiriwch eich ffolder sbam, neu",
    ),
    ("ask for a new code", "gofynnwch am god newydd"),
    (
        "Enter the 6-digit code from the email",
        "Rhowch y cod 6 digid o'r e-bost",
    ),
    (
        "The code is not right, or it has expired. Check the email, or ask for a new code",
        "Nid yw'r cod yn gywir, neu mae wedi dod i ben. Gwiriwch yr e-bost, neu gofynnwch am god newydd",
    ),
    // Track your case: an old link.
    ("This link has expired", "Mae'r ddolen hon wedi dod i ben"),
    (
        "This link has expired or is not complete",
        "Mae'r ddolen hon wedi dod i ben neu nid yw'n gyflawn",
    ),
    (
        "Links to a case last for a while, then stop working to keep your case private. A link copied from an email can also lose its end.",
        "Mae dolenni i achos yn para am gyfnod, ac yna'n peidio â gweithio er mwyn cadw eich achos yn breifat. Gall dolen a gopïwyd o e-bost hefyd golli ei diwedd.",
    ),
    ("Get a code to see your case", "Cael cod i weld eich achos"),
    (
        "by entering the case reference and your email address.",
        "drwy roi cyfeirnod yr achos a'ch cyfeiriad e-bost.",
    ),
    // Track your case: the case.
    ("Case", "Achos"),
    ("Thank you", "Diolch"),
    (
        "We have added what you sent to your case.",
        "Rydym wedi ychwanegu'r hyn a anfonoch at eich achos.",
    ),
    ("Status", "Statws"),
    ("Opened", "Agorwyd"),
    ("What happens next", "Beth sy'n digwydd nesaf"),
    ("Tell us more", "Dywedwch fwy wrthym"),
    ("Your message", "Eich neges"),
    (
        "Anything that helps us. Do not include card or bank details.",
        "Unrhyw beth sy'n ein helpu. Peidiwch â chynnwys manylion cerdyn neu fanc.",
    ),
    ("Photo (optional)", "Llun (dewisol)"),
    (
        "A JPG, PNG, GIF, WebP or HEIC image, smaller than 10 MB",
        "Delwedd JPG, PNG, GIF, WebP neu HEIC, llai na 10 MB",
    ),
    ("Report something new", "Rhoi gwybod am rywbeth newydd"),
    ("Updates", "Diweddariadau"),
    ("No updates yet.", "Dim diweddariadau eto."),
    ("Attached:", "Wedi'i atodi:"),
    ("Photo:", "Llun:"),
    ("Read the whole message", "Darllen y neges gyfan"),
    ("Received", "Wedi dod i law"),
    ("In progress", "Ar y gweill"),
    ("Waiting for you", "Yn aros amdanoch chi"),
    ("Waiting for someone else", "Yn aros am rywun arall"),
    ("Complaint being investigated", "Cwyn yn cael ei hymchwilio"),
    ("Complaint being reviewed", "Cwyn yn cael ei hadolygu"),
    ("Resolved", "Wedi'i ddatrys"),
    ("Closed", "Ar gau"),
    (
        "We closed this case on {date}. If the problem has come back, report it again and quote {reference}.",
        "Gwnaethom gau'r achos hwn ar {date}. Os yw'r broblem wedi dod yn ôl, rhowch wybod eto a dyfynnwch {reference}.",
    ),
    (
        " We aimed to finish by {date}, and this is taking longer. We are sorry for the delay.",
        " Roeddem yn anelu at orffen erbyn {date}, ac mae hyn yn cymryd mwy o amser. Mae'n ddrwg gennym am yr oedi.",
    ),
    (
        " We aim to finish by {date}.",
        " Rydym yn anelu at orffen erbyn {date}.",
    ),
    (
        "We need more information from you before we can go on. Add it below and we will pick your case up again.",
        "Mae angen rhagor o wybodaeth gennych cyn y gallwn fwrw ymlaen. Ychwanegwch hi isod a byddwn yn ailafael yn eich achos.",
    ),
    (
        "We are waiting for someone outside the council, such as a contractor.",
        "Rydym yn aros am rywun y tu allan i'r cyngor, fel contractwr.",
    ),
    (
        "We have your case and will reply to you.",
        "Mae eich achos gennym a byddwn yn eich ateb.",
    ),
    ("We are working on your case.", "Rydym yn gweithio ar eich achos."),
    (
        "Someone else reported the same problem, so we are dealing with both together as case {main}. That case is: {status}.",
        "Rhoddodd rhywun arall wybod am yr un broblem, felly rydym yn delio â'r ddau gyda'i gilydd fel achos {main}. Statws yr achos hwnnw yw: {status}.",
    ),
    ("You emailed us", "Gwnaethoch anfon e-bost atom"),
    ("You wrote to us online", "Gwnaethoch ysgrifennu atom ar-lein"),
    ("You sent us a text message", "Gwnaethoch anfon neges destun atom"),
    ("You phoned us", "Gwnaethoch ein ffonio"),
    ("You visited us", "Gwnaethoch ymweld â ni"),
    ("You wrote to us by letter", "Gwnaethoch ysgrifennu llythyr atom"),
    ("You messaged us", "Gwnaethoch anfon neges atom"),
    ("We heard from you", "Cawsom air gennych"),
    ("We emailed you", "Gwnaethom anfon e-bost atoch"),
    ("We sent you a text message", "Gwnaethom anfon neges destun atoch"),
    ("We phoned you", "Gwnaethom eich ffonio"),
    ("We wrote to you", "Gwnaethom ysgrifennu atoch"),
    ("We replied to your message", "Gwnaethom ateb eich neges"),
    ("We contacted you", "Gwnaethom gysylltu â chi"),
    ("Case opened", "Achos wedi'i agor"),
    ("Status: {status}", "Statws: {status}"),
    (
        "This case is closed. To tell us about something new, report it again",
        "Mae'r achos hwn ar gau. I roi gwybod i ni am rywbeth newydd, rhowch wybod eto",
    ),
    (
        "The photo must be smaller than 10 MB",
        "Rhaid i'r llun fod yn llai na 10 MB",
    ),
    (
        "The photo must be a JPG, PNG, GIF, WebP or HEIC image",
        "Rhaid i'r llun fod yn ddelwedd JPG, PNG, GIF, WebP neu HEIC",
    ),
    (
        "Enter what you want to tell us, or add a photo",
        "Rhowch yr hyn rydych am ei ddweud wrthym, neu ychwanegwch lun",
    ),
    ("Your message is too long", "Mae eich neges yn rhy hir"),
    (
        "Sorry, your message could not be saved. Try again in a few minutes",
        "Mae'n ddrwg gennym, nid oedd modd cadw eich neges. Rhowch gynnig arall arni ymhen ychydig funudau",
    ),
    // Report it or contact us.
    ("Report it or contact us", "Rhoi gwybod neu gysylltu â ni"),
    (
        "Choose what your report or question is about.",
        "Dewiswch beth yw pwnc eich adroddiad neu eich cwestiwn.",
    ),
    ("What do you want to tell us?", "Beth ydych chi am ei ddweud wrthym?"),
    (
        "Describe the problem or your question. Do not include card or bank details.",
        "Disgrifiwch y broblem neu eich cwestiwn. Peidiwch â chynnwys manylion cerdyn neu fanc.",
    ),
    ("(optional)", "(dewisol)"),
    ("Choose one", "Dewiswch un"),
    ("Where is it?", "Ble mae hyn?"),
    ("Postcode (optional)", "Cod post (dewisol)"),
    (
        "Street, building or landmark (optional)",
        "Stryd, adeilad neu dirnod (dewisol)",
    ),
    (
        "For example, outside 12 Wharf Road, by the bus stop",
        "Er enghraifft, y tu allan i 12 Wharf Road, wrth yr arhosfan bysiau",
    ),
    ("Your details", "Eich manylion"),
    ("Full name (optional)", "Enw llawn (dewisol)"),
    (
        "We will only use this to tell you about your report. Give an email address or a phone number.",
        "Byddwn yn defnyddio hwn dim ond i roi gwybod i chi am eich adroddiad. Rhowch gyfeiriad e-bost neu rif ffôn.",
    ),
    ("Phone number", "Rhif ffôn"),
    ("Send report", "Anfon adroddiad"),
    (
        "This form has expired. Check your answers and send it again",
        "Mae'r ffurflen hon wedi dod i ben. Gwiriwch eich atebion a'i hanfon eto",
    ),
    (
        "Your name must be 200 characters or fewer",
        "Rhaid i'ch enw fod yn 200 nod neu lai",
    ),
    (
        "Enter a telephone number, like 01632 960 001 or 07700 900 982",
        "Rhowch rif ffôn, fel 01632 960 001 neu 07700 900 982",
    ),
    (
        "Enter your email address or phone number, so we can tell you what happens",
        "Rhowch eich cyfeiriad e-bost neu eich rhif ffôn, er mwyn i ni allu rhoi gwybod i chi beth sy'n digwydd",
    ),
    (
        "Enter a real postcode, like DS1 4AB",
        "Rhowch god post go iawn, fel DS1 4AB",
    ),
    (
        "Where it is must be 500 characters or fewer",
        "Rhaid i'r lleoliad fod yn 500 nod neu lai",
    ),
    (
        "Tell us what you want to report or ask",
        "Dywedwch wrthym beth rydych am roi gwybod amdano neu ei ofyn",
    ),
    (
        "Sorry, your report could not be saved. Try again in a few minutes",
        "Mae'n ddrwg gennym, nid oedd modd cadw eich adroddiad. Rhowch gynnig arall arni ymhen ychydig funudau",
    ),
    ("Answer: {label}", "Atebwch: {label}"),
    ("Report received", "Adroddiad wedi dod i law"),
    ("Your reference is", "Eich cyfeirnod yw"),
    ("Follow your report", "Dilyn eich adroddiad"),
    (
        "See what happens to your report",
        "Gweld beth sy'n digwydd i'ch adroddiad",
    ),
    (
        ", and add more information or a photo. Keep this link: it works for 6 months. You can also enter your reference and email address at",
        ", ac ychwanegu rhagor o wybodaeth neu lun. Cadwch y ddolen hon: mae'n gweithio am 6 mis. Gallwch hefyd roi eich cyfeirnod a'ch cyfeiriad e-bost yn",
    ),
    ("Report something else", "Rhoi gwybod am rywbeth arall"),
    (
        "We have passed your report to {service}. Quote your reference {reference} if you contact us about it.",
        "Rydym wedi anfon eich adroddiad at {service}. Dyfynnwch eich cyfeirnod {reference} os byddwch yn cysylltu â ni amdano.",
    ),
    // Satisfaction.
    (
        "How satisfied are you with how we dealt with case {reference}?",
        "Pa mor fodlon ydych chi gyda'r ffordd y gwnaethom ddelio ag achos {reference}?",
    ),
    ("Very satisfied", "Bodlon iawn"),
    ("Satisfied", "Bodlon"),
    ("Neither satisfied nor dissatisfied", "Ddim yn fodlon nac yn anfodlon"),
    ("Dissatisfied", "Anfodlon"),
    ("Very dissatisfied", "Anfodlon iawn"),
    ("Tell us why (optional)", "Dywedwch wrthym pam (dewisol)"),
    (
        "Do not include card or bank details.",
        "Peidiwch â chynnwys manylion cerdyn neu fanc.",
    ),
    ("Choose how satisfied you are", "Dewiswch pa mor fodlon ydych chi"),
    (
        "Your comment must be 2,000 characters or fewer",
        "Rhaid i'ch sylw fod yn 2,000 nod neu lai",
    ),
    ("Thank you for your feedback", "Diolch am eich adborth"),
    (
        "We use what you tell us to improve our services.",
        "Rydym yn defnyddio'r hyn rydych yn ei ddweud wrthym i wella ein gwasanaethau.",
    ),
    (
        "We are sorry we did not get this right. A manager will look at what you told us and contact you within two working days. You can also make a complaint.",
        "Mae'n ddrwg gennym na wnaethom hyn yn iawn. Bydd rheolwr yn edrych ar yr hyn a ddywedoch wrthym ac yn cysylltu â chi o fewn dau ddiwrnod gwaith. Gallwch hefyd wneud cwyn.",
    ),
    ("See your case", "Gweld eich achos"),
    (
        "How did we do? Tell us in one question:",
        "Sut wnaethom ni? Dywedwch wrthym mewn un cwestiwn:",
    ),
    // Answers to read.
    ("Find an answer", "Dod o hyd i ateb"),
    ("What do you need help with?", "Gyda beth mae angen help arnoch chi?"),
    ("Search", "Chwilio"),
    (
        "Nothing matches. Try other words, or",
        "Does dim byd yn cyfateb. Rhowch gynnig ar eiriau eraill, neu",
    ),
    ("contact us", "cysylltwch â ni"),
    (
        "Still need to tell us something?",
        "Oes angen i chi ddweud rhywbeth wrthym o hyd?",
    ),
    ("There is no such page.", "Nid oes tudalen o'r fath."),
    ("Answers that may help", "Atebion a allai helpu"),
    (
        "These may answer your question before you send it.",
        "Efallai y bydd y rhain yn ateb eich cwestiwn cyn i chi ei anfon.",
    ),
    // Text messages.
    (
        "Email address or mobile phone number",
        "Cyfeiriad e-bost neu rif ffôn symudol",
    ),
    (
        "The one you gave us. We will send a code to it.",
        "Yr un a roesoch i ni. Byddwn yn anfon cod ato.",
    ),
    (
        "If case {reference} was raised with {contact}, we have sent a 6-digit code to that number by text message. The code works once, for 15 minutes.",
        "Os cafodd achos {reference} ei godi gyda {contact}, rydym wedi anfon cod 6 digid i'r rhif hwnnw mewn neges destun. Mae'r cod yn gweithio unwaith, am 15 munud.",
    ),
    (
        "Your code to see case {reference} is {code}. It works once, for {minutes} minutes. If you did not ask for it, ignore this message.",
        "Eich cod i weld achos {reference} yw {code}. Mae'n gweithio unwaith, am {minutes} munud. Os na wnaethoch ofyn amdano, anwybyddwch y neges hon.",
    ),
    ("See your case:", "Gweld eich achos:"),
    ("To stop messages about this case:", "I atal negeseuon am yr achos hwn:"),
    // Stopping updates.
    ("Emails stopped", "Negeseuon e-bost wedi'u hatal"),
    ("Stop emails about this case?", "Atal negeseuon e-bost am yr achos hwn?"),
    (
        "We will not email you again about case",
        "Ni fyddwn yn anfon e-bost atoch eto am achos",
    ),
    (
        "We will still answer if you write to us.",
        "Byddwn yn dal i ateb os byddwch yn ysgrifennu atom.",
    ),
    (
        "We will stop emailing you updates about this case. We will still answer if you write to us.",
        "Byddwn yn rhoi'r gorau i anfon diweddariadau atoch am yr achos hwn. Byddwn yn dal i ateb os byddwch yn ysgrifennu atom.",
    ),
    ("Stop emails", "Atal negeseuon e-bost"),
    // Emails.
    ("Your code to see case {reference}", "Eich cod i weld achos {reference}"),
    (
        "Your code to see case {reference} is\n\n    {code}\n\nEnter it on the page where you asked for it. It works once, for the next {minutes} minutes.\n\nIf you did not ask for a code, you can ignore this email: nobody can see your case without it.\n",
        "Eich cod i weld achos {reference} yw\n\n    {code}\n\nRhowch ef ar y dudalen lle gofynnoch amdano. Mae'n gweithio unwaith, am y {minutes} munud nesaf.\n\nOs na wnaethoch ofyn am god, gallwch anwybyddu'r e-bost hwn: ni all neb weld eich achos hebddo.\n",
    ),
    ("Hello {name},", "Helo {name},"),
    ("Hello,", "Helo,"),
    (
        "See your case, and add information or a photo:",
        "Gweld eich achos, ac ychwanegu gwybodaeth neu lun:",
    ),
    (
        "To stop emails about this case:",
        "I atal negeseuon e-bost am yr achos hwn:",
    ),
    ("We have received your report", "Rydym wedi cael eich adroddiad"),
    ("We have received your message", "Rydym wedi cael eich neges"),
    (
        "Thank you for contacting us. We have received your report about {service}.",
        "Diolch am gysylltu â ni. Rydym wedi cael eich adroddiad am {service}.",
    ),
    (
        "Thank you for contacting us. We have received your message about {service}.",
        "Diolch am gysylltu â ni. Rydym wedi cael eich neges am {service}.",
    ),
    (
        "Your reference is {reference}. Quote it if you contact us about this.",
        "Eich cyfeirnod yw {reference}. Dyfynnwch ef os byddwch yn cysylltu â ni am hyn.",
    ),
    ("Your case is now: {status}", "Statws eich achos nawr: {status}"),
    (
        "Your case {case} about {service} is now: {status}.",
        "Statws eich achos {case} am {service} nawr yw: {status}.",
    ),
    (
        "You reported a problem ({own}) that we are dealing with as case {case}, about {service}. It is now: {status}.",
        "Rhoesoch wybod am broblem ({own}) rydym yn delio â hi fel achos {case}, am {service}. Ei statws nawr yw: {status}.",
    ),
    (
        " If the problem has come back, tell us on the page below or report it again.",
        " Os yw'r broblem wedi dod yn ôl, dywedwch wrthym ar y dudalen isod neu rhowch wybod eto.",
    ),
    // Payments by link (GOV.UK Pay): the message with the link, and the page after paying.
    ("Payment request: {description}", "Cais am daliad: {description}"),
    (
        "Pay {amount} for {description} (case {reference}) securely with GOV.UK Pay: {link}",
        "Talwch {amount} am {description} (achos {reference}) yn ddiogel gyda GOV.UK Pay: {link}",
    ),
    (
        "Hello,\n\nPlease pay {amount} for {description} (case {reference}) through this secure GOV.UK Pay link:\n\n{link}\n\nWe will never ask for your card details by phone, email or text message.",
        "Helo,\n\nTalwch {amount} am {description} (achos {reference}) drwy'r ddolen ddiogel hon gan GOV.UK Pay:\n\n{link}\n\nNi fyddwn byth yn gofyn am fanylion eich cerdyn dros y ffôn, drwy e-bost na neges destun.",
    ),
    ("Your payment", "Eich taliad"),
    ("Your payment has been received", "Rydym wedi cael eich taliad"),
    (
        "Thank you. You do not need to do anything else.",
        "Diolch. Does dim angen i chi wneud unrhyw beth arall.",
    ),
    ("Your payment did not go through", "Nid aeth eich taliad drwodd"),
    (
        "No money has been taken. If you still need to pay, contact us and quote your case reference.",
        "Nid oes arian wedi'i gymryd. Os oes angen i chi dalu o hyd, cysylltwch â ni a dyfynnwch gyfeirnod eich achos.",
    ),
    (
        "We have not received your payment yet",
        "Nid ydym wedi cael eich taliad eto",
    ),
    (
        "If you have just paid, it may take a few minutes to show here. Please do not pay twice.",
        "Os ydych newydd dalu, gall gymryd ychydig funudau i ymddangos yma. Peidiwch â thalu ddwywaith.",
    ),
    ("We cannot find this payment", "Ni allwn ddod o hyd i'r taliad hwn"),
    (
        "Check that you copied the whole link from our message.",
        "Gwiriwch eich bod wedi copïo'r ddolen gyfan o'n neges.",
    ),
    ("Amount", "Swm"),
    ("Paying for", "Talu am"),
    (
        "Sorry, there is a problem with the service",
        "Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `p.t("…")` in the resident-facing templates has its Welsh.
    #[test]
    fn every_resident_sentence_has_its_welsh() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.contains("p.t(\"") {
                continue;
            }
            for piece in text.split("p.t(\"").skip(1) {
                let en = &piece[..piece.find("\")").unwrap()];
                seen += 1;
                if !WELSH.contains_key(en) {
                    missing.push(format!("{}: {en}", path.display()));
                }
            }
        }
        assert!(seen > 40, "the templates ask for {seen} sentences");
        assert!(missing.is_empty(), "no Welsh for:\n{}", missing.join("\n"));
    }

    #[test]
    fn the_catalogue_has_no_empty_or_doubled_entries_and_keeps_placeholders() {
        let mut keys = std::collections::HashSet::new();
        for (en, cy) in CATALOGUE {
            assert!(keys.insert(*en), "twice: {en}");
            assert!(!cy.trim().is_empty() && cy != en, "{en}");
            for name in en.split('{').skip(1).map(|p| &p[..p.find('}').unwrap()]) {
                assert!(cy.contains(&format!("{{{name}}}")), "{en}: the Welsh loses {{{name}}}");
            }
        }
    }

    #[test]
    fn dates_and_choices_read_in_both_languages() {
        let at: Timestamp = "2026-12-04T12:00:00Z".parse().unwrap();
        assert_eq!(day(Lang::En, &at), "Friday 4 December 2026");
        assert_eq!(day(Lang::Cy, &at), "Dydd Gwener 4 Rhagfyr 2026");
        assert_eq!(moment(Lang::Cy, &at), "4 Rhagfyr 2026, 12:00");
        assert_eq!(Lang::parse("cy-GB"), Some(Lang::Cy));
        assert_eq!(Lang::parse("fr"), None);
        assert_eq!(
            switch_link("/track/HRD-000001", Some("key=1.ab&lang=en"), Lang::Cy),
            "/track/HRD-000001?key=1.ab&lang=cy"
        );
        assert_eq!(switch_link("/track", None, Lang::En), "/track?lang=en");
        assert_eq!(
            tf(Lang::Cy, "Status: {status}", &[("status", "Ar gau")]),
            "Statws: Ar gau"
        );
        assert_eq!(t(Lang::Cy, "not in the table"), "not in the table");
    }
}
