//! What people write: topics per service, each with the words a resident, a landlord or a
//! member of staff would use on each channel, and what the council writes back.
//!
//! Templates carry `{slot}`s filled per case (names, addresses, account numbers, dates,
//! streets, sites), so 9,000 cases read as 9,000 different people, not one form letter.

use heard_core::{Channel, Priority};

/// Who writes about a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    Resident,
    /// A landlord organisation, or a letting agent writing for one.
    Landlord,
    HousingAssociation,
    Business,
    /// Another council or a national body.
    Agency,
    /// The council's own staff (service desk).
    Staff,
}

/// What site a case is about, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SiteRule {
    None,
    Library,
    RecyclingCentre,
    CarPark,
    RegisterOffice,
    LeisureCentre,
    /// Where the member of staff works.
    Caller,
    /// The street named in the report, when it is one of the council's street sites.
    Street,
}

/// When a topic comes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Season {
    Any,
    /// November to March: potholes, gritting.
    Winter,
    /// April to September: garden waste, wasps, hedges.
    Summer,
}

/// Whether the work is a question, something to do, or something broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Work {
    Enquiry,
    Request,
    Incident,
}

/// One thing people contact a service about.
pub(crate) struct Topic {
    pub service: &'static str,
    pub weight: u32,
    pub work: Work,
    pub priority: Priority,
    pub from: Writer,
    pub channels: &'static [(Channel, u32)],
    pub site: SiteRule,
    pub season: Season,
    /// A noun phrase for generic replies: "a missed bin collection".
    pub summary: &'static str,
    /// What resolution looks like: "your bin has now been collected".
    pub done: &'static str,
    /// Web form title or Open311 category.
    pub form: &'static str,
    pub subjects: &'static [&'static str],
    /// First person, for email, web forms and the service desk.
    pub bodies: &'static [&'static str],
    /// Short and informal, for Facebook, X and Open311.
    pub posts: &'static [&'static str],
    /// An agent's call note, third person.
    pub calls: &'static [&'static str],
    /// The council's first written reply (after the greeting).
    pub replies: &'static [&'static str],
}

use Channel::{Email, Facebook, Open311, Phone, ServiceDesk, WebForm, X};

const STREET_REPORT: &[(Channel, u32)] = &[
    (Facebook, 5),
    (X, 2),
    (Open311, 5),
    (WebForm, 4),
    (Phone, 3),
    (Email, 1),
];
const DESK: &[(Channel, u32)] = &[(ServiceDesk, 8), (Email, 2), (Phone, 1)];

macro_rules! topic {
    ($service:literal, $weight:literal, $work:ident, $prio:ident, $from:ident, $channels:expr, $site:ident, $season:ident,
     summary: $summary:literal, done: $done:literal, form: $form:literal,
     subjects: [$($s:literal),* $(,)?], bodies: [$($b:literal),* $(,)?], posts: [$($p:literal),* $(,)?],
     calls: [$($c:literal),* $(,)?], replies: [$($r:literal),* $(,)?] $(,)?) => {
        Topic {
            service: $service, weight: $weight, work: Work::$work, priority: Priority::$prio, from: Writer::$from,
            channels: $channels, site: SiteRule::$site, season: Season::$season,
            summary: $summary, done: $done, form: $form,
            subjects: &[$($s),*], bodies: &[$($b),*], posts: &[$($p),*], calls: &[$($c),*], replies: &[$($r),*],
        }
    };
}

/// Every background topic. Planted patterns are written in `cases.rs`.
pub(crate) const TOPICS: &[Topic] = &[
    // ───────────────────────── Revenues and Benefits ─────────────────────────
    topic!("revenues-and-benefits", 16, Request, Normal, Landlord, &[(Email, 12), (WebForm, 1)], None, Any,
        summary: "the change of tenancy details you sent", done: "the council tax accounts have been updated and new bills issued to the tenants", form: "Landlord: tell us about a change of tenant",
        subjects: ["Change of tenancy notification", "Council tax – change of occupier", "Tenancy changes – please update council tax", "New tenants – council tax", "CT change of liability – {landlord}"],
        bodies: [
            "{acting} write to notify you of the following changes of occupier:\n\n{tenancies}\n\nCopies of the tenancy agreements are available on request. Please update your records and confirm once done.",
            "Please note the following tenancy changes for {portfolio}:\n\n{tenancies}\n\nForwarding addresses for outgoing tenants are not known unless stated. Could you confirm the accounts have been amended?",
            "Further to our call, here are the tenancy changes for this month:\n\n{tenancies}\n\nWe would be grateful if any void period could be billed to the landlord from the dates above.",
        ],
        posts: [], calls: [],
        replies: ["Thank you for letting us know about the change of occupier. We will update the council tax accounts and send new bills to the incoming tenants. Please allow up to 10 working days.", "Thank you for the tenancy details. One of the team will amend the accounts; if we need a copy of any tenancy agreement we will let you know."]),
    topic!("revenues-and-benefits", 10, Request, Normal, Resident, &[(Email, 5), (WebForm, 4), (Phone, 4)], None, Any,
        summary: "your move and council tax account", done: "your account has been closed from your moving date and a final bill issued", form: "Council tax: tell us you are moving",
        subjects: ["Moving house – council tax", "Moving out of {addr}", "Council tax account {ref} – change of address", "Moving within Demoshire"],
        bodies: [
            "I am moving out of {addr}, {town} {postcode} on {date}. My council tax account number is {ref}. My new address is {n} {street2}, which I think is also in Demoshire. Please can you close the old account and set up the new one?",
            "Hi, just letting you know I moved out of {addr} on {date_past}. Account number {ref}. Please send the final bill to my email. I'm moving out of the area so won't need a new account.",
            "Please update my council tax. I have moved from {addr} to {n} {street2}, {town} as of {date_past}. I'd like to keep paying by direct debit on the 1st if possible.",
        ],
        posts: [],
        calls: ["{full} called to say they are moving out of {addr} on {date}. Account {ref}. New address {n} {street2}. Advised final bill will follow; set up new account request.", "Caller moving in to {addr} on {date}, wants to set up council tax. Previous address out of area. Took details and advised first bill within 2 weeks."],
        replies: ["Thank you for telling us about your move. We have updated your council tax account and a final bill for {addr} will be sent to you shortly."]),
    topic!("revenues-and-benefits", 7, Request, Normal, Resident, &[(WebForm, 5), (Email, 3), (Phone, 3)], None, Any,
        summary: "your single person discount application", done: "a 25% single person discount has been applied to your account", form: "Apply for a single person discount",
        subjects: ["Single person discount", "Living alone now – council tax discount", "SPD application account {ref}"],
        bodies: [
            "My partner moved out on {date_past} and I now live alone at {addr}. Could you please apply the single person discount to account {ref}?",
            "I'd like to apply for single person discount. My son has moved away to university so I'm the only adult at the property. Account ref {ref}.",
        ],
        posts: [],
        calls: ["{full} rang to apply for single person discount at {addr}, account {ref}. Lives alone since {date_past}. Application completed on call."],
        replies: ["Thank you for your application for single person discount. We will review it and let you know the outcome; if we need any more information we will contact you."]),
    topic!("revenues-and-benefits", 7, Enquiry, Normal, Resident, &[(Email, 5), (Phone, 5), (Facebook, 1)], None, Any,
        summary: "your council tax bill", done: "we have explained how your bill was worked out and your instalments are correct", form: "Council tax: ask about your bill",
        subjects: ["Query about my council tax bill", "Why has my bill gone up?", "Council tax account {ref} – bill query", "Wrong band?"],
        bodies: [
            "I have received my new bill for account {ref} and the instalments are {amount} a month, which is much higher than last year. Nothing has changed at the property. Can you explain why please?",
            "My bill says I owe {amount} but I have paid every month by direct debit. Please can someone check account {ref}.",
            "I think {addr} is in the wrong council tax band. The houses either side are band B and we are band C. How do I challenge this?",
        ],
        posts: ["Why has my council tax gone up so much this year?? Nobody answers the phone", "Can someone explain my council tax bill please, it doesn't add up. Sent a DM"],
        calls: ["Caller queried council tax bill on account {ref}. Explained annual increase and instalment plan. Caller satisfied.", "{full} queried why bill is {amount}. Found missed payment in {month}. Explained arrears added to instalments."],
        replies: ["Thank you for your enquiry about your council tax bill. I have checked your account and will explain the charges below.", "Thank you for getting in touch. Band challenges are made to the Valuation Office Agency; I have included their details below, and your account has been noted."]),
    topic!("revenues-and-benefits", 6, Request, Normal, Resident, &[(WebForm, 5), (Phone, 4), (Email, 2)], None, Any,
        summary: "your direct debit", done: "your direct debit has been changed as you asked", form: "Council tax: set up or change a direct debit",
        subjects: ["Change direct debit date", "Direct debit – account {ref}", "Pay over 12 months instead of 10"],
        bodies: [
            "Please can I change my direct debit date to the 15th of the month as my pay date has changed. Account {ref}.",
            "Can I spread my council tax over 12 months instead of 10? Account number {ref}.",
        ],
        posts: [],
        calls: ["{full} asked to move DD to the 28th, account {ref}. Updated. Explained new schedule will be posted.", "Caller wants to pay over 12 instalments. Account {ref}. Amended and new schedule requested."],
        replies: ["Thank you for your request. We have amended your direct debit and a new instalment schedule will be sent to you."]),
    topic!("revenues-and-benefits", 6, Enquiry, High, Resident, &[(Email, 4), (Phone, 6), (WebForm, 1)], None, Any,
        summary: "the reminder notice on your account", done: "the reminder has been withdrawn and your account is up to date", form: "Council tax: ask about a reminder or summons",
        subjects: ["Reminder notice – but I've paid", "Summons received account {ref}", "Arrears letter – please help"],
        bodies: [
            "I received a reminder notice saying I'm behind on account {ref}, but I paid {amount} online on {date_past}. Please check and stop any further action.",
            "I have had a summons for {amount}. I lost my job in {month} and have been struggling. Can I set up an arrangement? I don't want this to go to the bailiffs.",
        ],
        posts: [],
        calls: ["{full} received a reminder, says they paid {amount} on {date_past}. Payment found, allocated to wrong year. Passed to Revs to correct.", "Caller in arrears on {ref}, struggling after job loss. Discussed arrangement; referred for council tax reduction check."],
        replies: ["Thank you for contacting us about the reminder notice. I have put a hold on recovery action while we look into your payments."]),
    topic!("revenues-and-benefits", 8, Request, Normal, Resident, &[(WebForm, 4), (Email, 4), (Phone, 4)], None, Any,
        summary: "your change of circumstances for housing benefit and council tax reduction", done: "your claim has been reassessed and a new decision letter sent", form: "Benefits: report a change of circumstances",
        subjects: ["Change of circumstances – claim {claim}", "Housing benefit – my hours have changed", "Council tax reduction – new baby"],
        bodies: [
            "I need to report a change. My hours at work went down to 16 a week from {date_past}. My housing benefit claim reference is {claim}. I've attached my new payslips.",
            "Please update my claim {claim}. My partner has moved in with me at {addr} from {date_past}. He works full time.",
            "I have started getting Universal Credit from {date_past}. Does this affect my council tax reduction? Claim number {claim}.",
        ],
        posts: [],
        calls: ["{full} reported change: started new job {date_past}, claim {claim}. Advised to upload payslips. Task sent to Benefits.", "Caller's daughter has left home. Claim {claim}. Change recorded."],
        replies: ["Thank you for telling us about your change in circumstances. We will reassess your claim and write to you with a decision. Please send any evidence we ask for within one month."]),
    topic!("revenues-and-benefits", 6, Enquiry, Normal, Landlord, &[(Email, 6), (Phone, 2)], None, Any,
        summary: "the housing benefit payments for your tenant", done: "the payment to you has been released", form: "Landlord: housing benefit payment query",
        subjects: ["HB payment not received – {addr}", "Housing benefit overpayment letter", "Landlord payment schedule query"],
        bodies: [
            "We have not received the housing benefit payment for our tenant at {addr}, {postcode} (claim {claim}) due on {date_past}. Please advise when this will be paid.",
            "We have received an overpayment invoice for {amount} relating to {addr}. The tenant left on {date_past} and we notified you the same week. We dispute this overpayment.",
        ],
        posts: [],
        calls: ["Landlord {full} from {org} chasing HB for tenant at {addr}. Payment run delayed; advised next payment run date."],
        replies: ["Thank you for your email. I have checked the claim for {addr} and will update you once the payment has been made."]),
    topic!("revenues-and-benefits", 5, Request, Normal, HousingAssociation, &[(Email, 1)], None, Any,
        summary: "the void and tenancy updates for your properties", done: "the accounts have been updated", form: "Housing association: tenancy notification",
        subjects: ["Weekly void and lettings list", "Tenancy starts and ends w/c {date_past}", "Council tax – voids update"],
        bodies: [
            "Please find below this week's tenancy changes for our stock in Demoshire:\n\n{tenancies}\n\nVoid periods should be billed to us at the address held. Any queries please contact me directly.",
            "Following our void inspection, the properties below are now let:\n\n{tenancies}\n\nMany thanks.",
        ],
        posts: [], calls: [],
        replies: ["Thank you for the lettings update. We will amend the council tax accounts accordingly and bill void periods to your organisation."]),
    topic!("revenues-and-benefits", 4, Request, Normal, Landlord, &[(Email, 3), (WebForm, 1)], None, Any,
        summary: "your empty property", done: "the empty property charge has been reviewed and your account updated", form: "Council tax: empty or unfurnished property",
        subjects: ["Empty property – refurbishment", "Unoccupied property {addr}", "Empty homes premium query"],
        bodies: [
            "The property at {addr}, {town} has been empty since {date_past} while we carry out a full refurbishment (new kitchen, rewire). Is there any exemption or discount available? Account {ref}.",
            "We have been charged the empty homes premium on {addr} but it has only been unoccupied for 8 months. Please review account {ref}.",
        ],
        posts: [], calls: [],
        replies: ["Thank you for your email about the empty property. We will review the account and write to you with our decision."]),
    topic!("revenues-and-benefits", 4, Request, Normal, Business, &[(Email, 4), (Phone, 2), (WebForm, 1)], None, Any,
        summary: "your business rates", done: "small business rate relief has been applied", form: "Business rates: apply for relief",
        subjects: ["Small business rate relief", "Business rates account {ref}", "Moved premises – business rates"],
        bodies: [
            "We took over the lease on {addr} from {date_past}. I believe we qualify for small business rate relief as this is our only property. Our business rates account is {ref}.",
            "We have received a business rates bill for {amount} but the unit was empty until {date_past}. Can you please recalculate?",
        ],
        posts: [],
        calls: ["{full} from {org} asked about small business rate relief, account {ref}. Sent application form link."],
        replies: ["Thank you for your enquiry about business rates. We have sent you the relief application and will review the account once it is returned."]),
    topic!("revenues-and-benefits", 3, Enquiry, Normal, Agency, &[(Email, 1)], None, Any,
        summary: "your information request", done: "the information has been provided", form: "Partner organisation request",
        subjects: ["Data share request – claimant at {addr}", "UC housing costs – liability confirmation", "Council tax liability check", "Request for council tax band information"],
        bodies: [
            "Please can you confirm council tax liability for the claimant at {addr}, {postcode} from {date_past}. This is required to assess a Universal Credit housing costs element.",
            "We are writing under the data sharing agreement to request confirmation of the start date of the current occupier at {addr}. Our reference {claim}.",
            "Could you confirm the council tax band and liable party for {addr}, {town} {postcode}? We are processing a related case.",
        ],
        posts: [], calls: [],
        replies: ["Thank you for your request. We will check our records and respond under the data sharing agreement within 5 working days."]),
    // ───────────────────────── Registrar ─────────────────────────
    topic!("registrar", 14, Request, Normal, Resident, &[(Phone, 8), (WebForm, 2), (Email, 1)], None, Any,
        summary: "your certificate order", done: "your certificate has been posted to you", form: "Order a copy certificate",
        subjects: ["Copy birth certificate", "Replacement certificate order", "Certificate for passport application"],
        bodies: [
            "I need a copy of my birth certificate for a passport application. I was born in Demminster on 4 {month} {year} and my name at birth was {full}. Please let me know the cost.",
            "Please could I order two copies of my marriage certificate. We married at Demminster Register Office on {date_past} {year}; my spouse is {spouse}.",
        ],
        posts: [],
        calls: [
            "{full} called for a replacement birth certificate (original lost in house move). Born {year} in Demminster. Certificate order taken; payment link sent by text.",
            "Caller ordering 2 x copy death certificates for their late {relation}, {deceased}, died {date_past}. Registered in Demminster. Payment link sent by email.",
            "Replacement marriage certificate requested by {full}. Married {year} at {site}. Order completed; payment link sent. Advised 15 working days, or priority service.",
            "Caller needs a birth certificate for their child {child}, born {year}, for a school application. Order taken, GOV.UK Pay link sent.",
        ],
        replies: ["Thank you for your certificate order. Once payment is received the certificate will be posted within 15 working days."]),
    topic!("registrar", 8, Request, Normal, Resident, &[(Phone, 8), (WebForm, 2)], RegisterOffice, Any,
        summary: "your appointment to register a birth", done: "the birth has been registered", form: "Book an appointment to register a birth",
        subjects: ["Register a birth", "Birth registration appointment"],
        bodies: ["Our baby, {child}, was born on {date_past} at Demminster General. We would like an appointment to register the birth please. We are not married, can we both attend?"],
        posts: [],
        calls: ["{full} booked appointment to register birth of {child} at {site}. Advised both parents attend as not married. Appointment {day} morning.", "Caller asked how to register a birth. Baby {child} born {date_past}. Booked into next available slot."],
        replies: ["Thank you. Your appointment to register the birth has been booked at {site}. Please bring any ID you have."]),
    topic!("registrar", 6, Request, High, Resident, &[(Phone, 10), (Email, 1)], RegisterOffice, Any,
        summary: "registering a death", done: "the death has been registered", form: "Book an appointment to register a death",
        subjects: ["Registering a death"],
        bodies: ["My {relation}, {deceased}, passed away on {date_past}. The hospital has sent the medical certificate through. Please can I book an appointment to register the death?"],
        posts: [],
        calls: ["{full} calling to register the death of {deceased} on {date_past}. MCCD sent to registrar by hospital. Appointment booked {day}. Tell Us Once explained.", "Caller's {relation} {deceased} died at home; GP sending the certificate. Offered condolences, booked appointment."],
        replies: ["We are sorry for your loss. Your appointment to register the death is booked at {site}. We will also explain the Tell Us Once service when you attend."]),
    topic!("registrar", 6, Enquiry, Normal, Resident, &[(Email, 5), (WebForm, 3), (Phone, 3)], RegisterOffice, Any,
        summary: "your ceremony booking", done: "your ceremony is confirmed", form: "Ceremonies enquiry",
        subjects: ["Wedding ceremony availability {month}", "Notice of marriage appointment", "Civil partnership ceremony enquiry", "Citizenship ceremony date"],
        bodies: [
            "We are hoping to get married on a Saturday in {month} next year at {site}. Is there availability, and what are the fees? My partner is {spouse}.",
            "We need to give notice of marriage. My fiancé is a non-UK national. What documents do we need to bring to the appointment?",
            "I have received my Home Office letter approving my citizenship and need to book a citizenship ceremony. Please advise next dates.",
        ],
        posts: [],
        calls: ["Caller asking about ceremony availability in {month} at {site}. Sent fees and booking form link.", "{full} booking notice of marriage appointment. Documents list explained."],
        replies: ["Thank you for your enquiry. I have attached our current fees and availability; please complete the booking form to hold a date."]),
    topic!("registrar", 3, Request, Normal, Resident, &[(Email, 3), (Phone, 1)], None, Any,
        summary: "your request to correct a register entry", done: "the correction has been made", form: "Correct a register entry",
        subjects: ["Mistake on birth certificate", "Correction to death register entry"],
        bodies: ["The surname on our child {child}'s birth certificate is spelt wrongly. We registered on {date_past}. How do we get this corrected?"],
        posts: [],
        calls: ["{full} reports misspelling on certificate for {child}. Explained correction process and fee."],
        replies: ["Thank you for letting us know. A correction can be made; I have attached the application form and guidance."]),
    // ───────────────────────── Highways ─────────────────────────
    topic!("highways", 20, Request, Normal, Resident, STREET_REPORT, Street, Winter,
        summary: "the pothole you reported", done: "the pothole has been repaired", form: "Pothole",
        subjects: ["Pothole on {street2}", "Dangerous pothole – {street2}", "Road defect {street2}, {town2}"],
        bodies: [
            "There is a large pothole outside {n} {street2}, {town2}. It is about a foot across and deep enough to damage a tyre. Cars are swerving into the other lane to avoid it.",
            "I would like to report a pothole on {street2} near the junction. It has been there for {weeks} weeks and is getting bigger. Photo attached.",
            "Deep pothole on {street2} by the bus stop. Nearly came off my bike this morning in the dark.",
        ],
        posts: [
            "Huge pothole on {street2} outside number {n}. Someone's going to lose a wheel 📷",
            "@DemoshireBC when are you going to fix the pothole on {street2}?? Been there weeks",
            "Pothole on {street2}, {town2} getting worse every day. Photo attached. Please sort before someone gets hurt",
            "Reported this before – pothole near {n} {street2} is now like a crater",
        ],
        calls: ["{full} reporting pothole outside {n} {street2}, {town2}. Approx 30cm wide, 8cm deep. Logged for inspection.", "Caller reports pothole on {street2} near junction, damaged tyre. Advised on claims process and logged defect."],
        replies: ["Thank you for reporting the pothole on {street2}. An inspector will visit within 5 working days and arrange a repair if it meets our intervention level."]),
    topic!("highways", 8, Request, Normal, Resident, STREET_REPORT, Street, Any,
        summary: "the damaged pavement", done: "the pavement has been made safe", form: "Pavement or footpath problem",
        subjects: ["Broken paving slabs {street2}", "Trip hazard on pavement", "Raised kerb stone {street2}"],
        bodies: [
            "Several paving slabs outside {n} {street2} are broken and rocking. My elderly neighbour tripped last week. Please repair before someone is badly hurt.",
            "Tree roots have lifted the pavement on {street2}, {town2}. It is impossible to get a pushchair or wheelchair past.",
        ],
        posts: ["Pavement on {street2} is a death trap. Slabs all lifted. 📷", "Trip hazard outside {n} {street2} – raised slab, nearly went flying"],
        calls: ["{full} reporting broken slabs outside {n} {street2}. Neighbour tripped. Logged as trip hazard for inspection."],
        replies: ["Thank you for letting us know about the pavement on {street2}. An inspector will assess it and make it safe if needed."]),
    topic!("highways", 7, Request, High, Resident, STREET_REPORT, Street, Any,
        summary: "the blocked drain and flooding", done: "the gully has been cleared", form: "Blocked drain or flooding",
        subjects: ["Blocked drain – flooding {street2}", "Road flooding every time it rains", "Gully blocked outside {n} {street2}"],
        bodies: [
            "The road drain outside {n} {street2} is completely blocked with leaves. Every time it rains the water comes right up the path to our front door.",
            "There is standing water across {street2} at the dip near the railway bridge. Cars are spraying pedestrians. The gully needs clearing.",
        ],
        posts: ["Road flooded again on {street2} – drains blocked. 📷", "Can someone clear the drains on {street2}? Water nearly up to the doors"],
        calls: ["{full} reports road flooding on {street2} after rain, gully blocked. Water reaching property. Logged urgent gully clean."],
        replies: ["Thank you for reporting the flooding on {street2}. We have asked our drainage crew to clear the gully."]),
    topic!("highways", 4, Request, Normal, Resident, STREET_REPORT, Street, Summer,
        summary: "the overgrown hedge", done: "the owner has cut back the hedge", form: "Overgrown hedge or tree",
        subjects: ["Overgrown hedge blocking pavement", "Hedge on {street2}"],
        bodies: ["The hedge at {n} {street2} has grown right across the pavement. I have to walk in the road with my pushchair."],
        posts: ["Hedge on {street2} blocking the whole path, have to walk in road with the pram"],
        calls: ["Caller reports overgrown hedge at {n} {street2} obstructing footway. Logged for letter to owner."],
        replies: ["Thank you. We will write to the owner asking them to cut the hedge back, and inspect again after 14 days."]),
    topic!("highways", 3, Request, Normal, Resident, STREET_REPORT, Street, Any,
        summary: "the damaged sign", done: "the sign has been replaced", form: "Damaged road sign or bollard",
        subjects: ["Road sign knocked down {street2}", "Damaged bollard"],
        bodies: ["A lorry has knocked down the give way sign at the end of {street2}. It is lying on the verge."],
        posts: ["Bollard on {street2} flattened again, been like it a week"],
        calls: ["Caller reports knocked down sign at {street2} junction. Logged."],
        replies: ["Thank you for letting us know. We have asked our crew to make the sign safe and replace it."]),
    topic!("highways", 3, Enquiry, Normal, Resident, &[(Facebook, 3), (X, 2), (Phone, 3), (Email, 2)], None, Winter,
        summary: "gritting", done: "we have explained our gritting routes", form: "Gritting",
        subjects: ["Is {street2} on the gritting route?", "Grit bin empty"],
        bodies: ["Is {street2} on a gritting route? It's a steep hill and cars were sliding back down it this morning. The grit bin at the top is empty."],
        posts: ["Are you gritting tonight? {street2} like an ice rink", "Grit bin on {street2} empty AGAIN"],
        calls: ["{full} asked whether {street2} is gritted and reported empty grit bin. Explained priority routes; grit bin refill logged."],
        replies: ["Thank you for your message. Our gritting routes are on our website; I have asked for the grit bin on {street2} to be refilled."]),
    topic!("highways", 3, Enquiry, Low, Resident, &[(Email, 4), (WebForm, 4), (Phone, 2)], None, Any,
        summary: "your dropped kerb application", done: "your application has been approved", form: "Apply for a dropped kerb",
        subjects: ["Dropped kerb application", "Dropped kerb – how much?"],
        bodies: ["I'd like a dropped kerb outside {addr} so I can park on my drive. How much does it cost and how long does it take?"],
        posts: [],
        calls: ["Caller enquiring about dropped kerb at {addr}. Sent application link and fee info."],
        replies: ["Thank you for your enquiry. I have attached the application form and fees. An inspector will visit once we receive it."]),
    topic!("highways", 2, Enquiry, Normal, Business, &[(Email, 1)], None, Any,
        summary: "your roadworks notice", done: "the permit has been issued", form: "Roadworks permit",
        subjects: ["Skip permit – {street2}", "Scaffold licence application"],
        bodies: ["We need to place a skip on the road outside {n} {street2} for two weeks from {date}. Please advise on a skip permit."],
        posts: [], calls: [],
        replies: ["Thank you. Please complete the permit application; the fee and conditions are attached."]),
    // ───────────────────────── Street lighting ─────────────────────────
    topic!("street-lighting", 12, Request, Normal, Resident, &[(Open311, 5), (WebForm, 4), (Phone, 3), (Facebook, 2)], Street, Winter,
        summary: "the street light that is out", done: "the street light has been repaired", form: "Street light not working",
        subjects: ["Street light out – {street2}", "Lamp post not working outside {n} {street2}"],
        bodies: ["The street light outside {n} {street2} has been out for {weeks} weeks. It's very dark walking home from the bus stop.", "Three lights in a row are out on {street2}, {town2}. The column numbers are 12, 13 and 14."],
        posts: ["Street light out on {street2} for weeks, pitch black at night", "Lamp post outside {n} {street2} not working"],
        calls: ["{full} reports street light out outside {n} {street2}. Column number not known. Logged for contractor."],
        replies: ["Thank you for reporting the street light on {street2}. Our contractor will repair it within 10 working days."]),
    topic!("street-lighting", 3, Request, Low, Resident, &[(Open311, 3), (WebForm, 3), (Phone, 2)], Street, Any,
        summary: "the street light on during the day", done: "the photocell has been replaced", form: "Street light on during the day",
        subjects: ["Street light on all day {street2}"],
        bodies: ["The street light outside {n} {street2} has been on all day, every day for a week. Waste of electricity."],
        posts: ["Street light on {street2} on in broad daylight again"],
        calls: ["Caller reports light on during daytime at {street2}. Logged."],
        replies: ["Thank you. We have asked our contractor to replace the light's sensor."]),
    topic!("street-lighting", 2, Incident, Urgent, Resident, &[(Phone, 6), (Facebook, 1)], Street, Any,
        summary: "the damaged lighting column", done: "the column has been made safe", form: "Damaged lighting column",
        subjects: ["Exposed wires in lamp post"],
        bodies: ["The door on the lamp post outside {n} {street2} is missing and there are wires showing. Children walk past here to school."],
        posts: ["Lamp post door hanging off on {street2} with wires showing!! Kids walk past here"],
        calls: ["URGENT: {full} reports lamp post door missing with exposed wires outside {n} {street2}. Passed to out-of-hours electrical contractor for 2-hour attendance."],
        replies: ["Thank you for reporting this. An electrician has been sent to make the column safe."]),
    // ───────────────────────── Waste ─────────────────────────
    topic!("waste", 22, Request, Normal, Resident, &[(WebForm, 6), (Phone, 4), (Facebook, 2), (X, 1), (Email, 1)], None, Any,
        summary: "your missed bin collection", done: "your bin has now been collected", form: "Report a missed bin collection",
        subjects: ["Missed bin collection – {addr}", "Bin not emptied {day}", "Recycling missed again"],
        bodies: [
            "Our {bin} wasn't emptied on {day}. It was out by 7am as usual. Address {addr}, {postcode}.",
            "This is the third time in {month} that our {bin} has been missed at {addr}. The rest of the street was done.",
            "The crew emptied everyone's bins on {street} except ours. Can you send someone back please?",
        ],
        posts: ["Bins missed on {street} again! 😡", "Our {bin} not collected today, whole street done except us. {addr}", "Why does the recycling lorry keep missing {street}?"],
        calls: ["{full} reports missed {bin} at {addr} on {day}. Bin presented on time. Logged return visit.", "Caller says {bin} missed at {addr}, crew checked in-cab system: bin not presented. Explained, caller unhappy."],
        replies: ["Thank you for reporting the missed collection at {addr}. We will return to empty your bin within 2 working days; please leave it out."]),
    topic!("waste", 9, Request, Normal, Resident, &[(WebForm, 6), (Phone, 4), (Email, 1)], None, Any,
        summary: "your new bin request", done: "your new bin has been delivered", form: "Request a new or replacement bin",
        subjects: ["Replacement bin – lid broken", "New bin request {addr}", "Bin stolen"],
        bodies: ["Our {bin} was damaged by the lorry on {day} – the lid has snapped off. Please can we have a replacement. {addr}.", "We have just moved in to {addr} and there are no bins at the property."],
        posts: [],
        calls: ["{full} requests replacement {bin}, lid broken by crew. {addr}. Ordered, no charge as crew damage.", "New occupier at {addr} with no bins. Ordered full set; advised £25 charge for new build."],
        replies: ["Thank you. A replacement bin has been ordered and will be delivered within 10 working days."]),
    topic!("waste", 6, Request, Normal, Resident, &[(WebForm, 7), (Phone, 3)], None, Summer,
        summary: "your garden waste subscription", done: "your garden waste subscription is active", form: "Subscribe to garden waste collections",
        subjects: ["Garden waste subscription", "Brown bin not collected since renewing"],
        bodies: ["I renewed my garden waste subscription on {date_past} but the bin hasn't been emptied since. {addr}."],
        posts: [],
        calls: ["Caller wants garden waste subscription for {addr}. Payment taken via IVR. Sticker to be posted.", "{full} paid for garden waste but no collection since. Sticker not received. Reissued."],
        replies: ["Thank you. We have checked your subscription and your address has been added to the round."]),
    topic!("waste", 6, Request, Normal, Resident, &[(WebForm, 6), (Phone, 4)], None, Any,
        summary: "your bulky waste collection", done: "your bulky items have been collected", form: "Book a bulky waste collection",
        subjects: ["Bulky collection booking", "Bulky waste not collected"],
        bodies: ["I'd like to book a bulky collection for a sofa, a fridge freezer and a mattress from {addr}.", "We booked a bulky collection for {day} and the items are still outside."],
        posts: [],
        calls: ["{full} booked bulky collection: sofa, 2 chairs. {addr}. Date {date}. Payment link sent."],
        replies: ["Thank you. Your bulky waste collection is booked for {date}. Please put the items out by 7am."]),
    topic!("waste", 8, Request, Normal, Resident, &[(Facebook, 4), (X, 2), (WebForm, 4), (Open311, 3), (Phone, 2)], Street, Any,
        summary: "the fly-tipping you reported", done: "the fly-tipped waste has been cleared", form: "Fly-tipping",
        subjects: ["Fly-tipping on {street2}", "Rubbish dumped in the alley behind {street2}"],
        bodies: ["Someone has dumped a load of builders' rubble and a mattress in the lay-by on {street2}. It appeared overnight on {day}.", "Fly-tipping again in the back alley behind {street2}: bin bags, a broken TV and carpet."],
        posts: ["Fly tipping on {street2} again 😡 📷", "Someone's dumped a whole kitchen on {street2}. Disgusting", "More rubbish dumped by the garages off {street2}"],
        calls: ["{full} reports fly-tipping (mattress, bags) on {street2}. Logged for clearance and enforcement check."],
        replies: ["Thank you for reporting the fly-tipping on {street2}. Our street scene team will clear it and our enforcement officers will look for evidence."]),
    topic!("waste", 3, Request, Normal, Resident, &[(Phone, 6), (WebForm, 2), (Email, 2)], None, Any,
        summary: "your assisted collection request", done: "an assisted collection has been set up", form: "Apply for an assisted collection",
        subjects: ["Assisted bin collection"],
        bodies: ["I'm recovering from a hip operation and can't get my bins to the kerb. Can I have an assisted collection at {addr}?"],
        posts: [],
        calls: ["{full} requests assisted collection at {addr}; mobility issues after surgery. Application completed."],
        replies: ["Thank you. We have set up an assisted collection at {addr}; the crew will collect your bins from the property."]),
    topic!("waste", 4, Enquiry, Normal, Resident, &[(Email, 3), (WebForm, 3), (Phone, 3), (Facebook, 2)], RecyclingCentre, Any,
        summary: "your recycling centre booking", done: "we have confirmed your booking", form: "Book a visit to a household recycling centre",
        subjects: ["Van permit for the tip", "Booking at {site}"],
        bodies: ["Can I take my van to {site}? It's a personal van, not commercial. What permit do I need?", "I booked a slot at {site} for {day} but was turned away because my booking reference wasn't found."],
        posts: ["Turned away at {site} today even though I had a booking 😡", "Is {site} open bank holiday Monday?"],
        calls: ["Caller asked about van permit for {site}. Explained free permit for residents' vans; sent link."],
        replies: ["Thank you for your enquiry about {site}. I have included the details below."]),
    topic!("waste", 2, Request, Normal, Business, &[(Email, 3), (Phone, 1)], None, Any,
        summary: "your trade waste agreement", done: "your trade waste agreement is in place", form: "Trade waste",
        subjects: ["Trade waste collection quote", "Trade waste – missed collection"],
        bodies: ["We need a weekly trade waste collection for {org} at {addr}. Two 1100 litre bins. Please send a quote."],
        posts: [], calls: [],
        replies: ["Thank you for your enquiry. I have attached a quote for a weekly collection."]),
    // ───────────────────────── Libraries ─────────────────────────
    topic!("libraries", 6, Request, Low, Resident, &[(Email, 4), (Phone, 4), (WebForm, 2)], Library, Any,
        summary: "your library loans", done: "your loans have been renewed", form: "Library: renew or ask about loans",
        subjects: ["Renew my books", "Overdue charges query", "Book reservation {item}"],
        bodies: ["Please could you renew my books? I can't log in to the online catalogue. My card number is {ref}.", "I've had a reminder about an overdue book, {item}, but I returned it to {site} on {date_past}.", "I reserved {item} six weeks ago and haven't heard anything. Can you check where I am in the queue?"],
        posts: [],
        calls: ["{full} asked to renew 4 items, card {ref}. Renewed. Reset PIN for online account.", "Caller says {item} was returned to {site}. Checked shelves: found, cleared from record."],
        replies: ["Thank you for getting in touch. I have renewed your items; the new due date is shown on your account."]),
    topic!("libraries", 3, Request, Low, Resident, &[(Email, 3), (WebForm, 3), (Phone, 2)], Library, Any,
        summary: "your library card", done: "a new card is ready to collect", form: "Library: join or replace a card",
        subjects: ["Lost library card", "Join the library"],
        bodies: ["I've lost my library card. Can I get a replacement at {site}?"],
        posts: [],
        calls: ["Caller lost library card. Advised replacement at any branch; nearest is {site}."],
        replies: ["Thank you. A replacement card will be ready to collect at {site}; please bring proof of address."]),
    topic!("libraries", 3, Enquiry, Low, Resident, &[(Email, 3), (Facebook, 3), (Phone, 2)], Library, Any,
        summary: "events at the library", done: "we have sent you the event details", form: "Library events",
        subjects: ["Rhymetime at {site}?", "Room hire enquiry – {site}", "Half term activities"],
        bodies: ["Is Rhymetime still running on Tuesday mornings at {site}? My daughter loved it.", "Our group would like to hire the community room at {site} once a month on a Thursday evening. What are the rates?"],
        posts: ["Is there Rhymetime at {site} this week?", "What's on at {site} in half term?"],
        calls: ["Caller asking about room hire at {site}. Sent rates and booking form."],
        replies: ["Thank you for your enquiry. Details of events at {site} are below."]),
    topic!("libraries", 2, Enquiry, Low, Resident, &[(Email, 2), (Phone, 2)], Library, Any,
        summary: "printing and computers at the library", done: "we have answered your question", form: "Library computers",
        subjects: ["Printing from my phone at {site}", "Booking a public computer"],
        bodies: ["Can I print from my phone at {site}? I need to print a boarding pass.", "How do I book one of the public computers at {site} for an hour on Saturday?"],
        posts: [],
        calls: ["Caller asked how to book public PC at {site}. Booked 1 hour Saturday."],
        replies: ["Thank you for your enquiry. Yes, you can – the instructions are below."]),
    topic!("libraries", 2, Enquiry, Low, Resident, &[(Email, 2), (Phone, 2), (Facebook, 2)], Library, Any,
        summary: "library opening hours", done: "we have confirmed the opening hours", form: "Library opening hours",
        subjects: ["Opening hours {site}"],
        bodies: ["What are the opening hours at {site} over the bank holiday?"],
        posts: ["Is {site} open on Saturday afternoons now?"],
        calls: ["Caller asked opening hours for {site}. Advised."],
        replies: ["Thank you. {site} opening hours are below."]),
    // ───────────────────────── Housing ─────────────────────────
    topic!("housing", 8, Request, Urgent, Resident, &[(Phone, 8), (Email, 2), (WebForm, 1)], None, Any,
        summary: "your housing situation", done: "a housing officer has assessed your situation and agreed a plan", form: "Homeless or at risk of homelessness",
        subjects: ["Being evicted – need help", "Section 21 notice received", "Nowhere to stay tonight"],
        bodies: ["My landlord has served me a section 21 notice to leave {addr} by {date}. I have two children and nowhere to go. Please help.", "I have been sofa surfing since {date_past} after my relationship broke down. I need help finding somewhere to live."],
        posts: [],
        calls: ["{full} homeless tonight after family exclusion. Transferred to duty housing officer. Temporary accommodation arranged.", "Caller has section 21 notice for {addr}, expires {date}. Booked housing options appointment; prevention duty.", "Caller fleeing domestic abuse with 2 children. Immediate referral to duty officer. Safe number noted."],
        replies: ["Thank you for contacting Housing Options. A housing officer will contact you within 2 working days to talk through your situation. If you have nowhere to stay tonight, please call us on 01632 960000."]),
    topic!("housing", 7, Enquiry, Normal, Resident, &[(Email, 5), (Phone, 5), (WebForm, 2)], None, Any,
        summary: "your housing register application", done: "we have updated you on your application", form: "Housing register enquiry",
        subjects: ["Housing register application {claim}", "What band am I in?", "Bidding not working"],
        bodies: ["I applied to join the housing register on {date_past} (ref {claim}) and have heard nothing. What band am I in?", "I can't place bids this week. The website says my application is suspended. Ref {claim}."],
        posts: [],
        calls: ["{full} chasing housing register application {claim}. Awaiting medical evidence. Advised to send GP letter.", "Caller asked why band C. Explained banding. Caller wants review."],
        replies: ["Thank you for your enquiry about your housing register application. I have checked and set out the position below."]),
    topic!("housing", 5, Request, High, Resident, &[(Email, 4), (Phone, 4), (WebForm, 2)], None, Any,
        summary: "the disrepair at your rented home", done: "an officer has inspected and served notice on your landlord", form: "Problem with a private landlord",
        subjects: ["Damp and mould – landlord won't fix", "Disrepair at {addr}"],
        bodies: ["There is black mould in both bedrooms at {addr}. I have told my landlord three times since {month} and nothing has been done. My baby has a constant cough.", "The boiler at {addr} has been broken for two weeks and the landlord is ignoring me. We have no heating or hot water."],
        posts: [],
        calls: ["{full} reports damp and mould at {addr}, private rented. Landlord not responding. Booked inspection."],
        replies: ["Thank you for contacting us about the conditions at {addr}. A housing standards officer will arrange an inspection."]),
    topic!("housing", 5, Request, Normal, HousingAssociation, &[(Email, 1)], None, Any,
        summary: "the nomination", done: "the nomination has been made", form: "Nominations",
        subjects: ["Nomination request – 2 bed flat, {street2}", "Void available for nomination", "Nominee did not attend viewing"],
        bodies: ["We have a 2 bedroom flat available at {n} {street2}, {town2} from {date}. Please send a nomination under our agreement.", "The nominee for {n} {street2} did not attend the viewing on {date_past}. Please can you nominate the next applicant."],
        posts: [], calls: [],
        replies: ["Thank you. We will send a nomination from the housing register within 5 working days."]),
    topic!("housing", 3, Enquiry, Normal, Agency, &[(Email, 1)], None, Any,
        summary: "your referral", done: "we have responded to the referral", form: "Duty to refer",
        subjects: ["Duty to refer – {spouse}", "Prison release – housing need"],
        bodies: ["Under the duty to refer, we are notifying you of a household at risk of homelessness: {spouse}, of {addr}, {town}, whose tenancy ends on {date}. Consent has been given."],
        posts: [], calls: [],
        replies: ["Thank you for the referral. We will contact the household within 2 working days."]),
    // ───────────────────────── Planning ─────────────────────────
    topic!("planning", 6, Enquiry, Normal, Resident, &[(Email, 6), (WebForm, 4)], None, Any,
        summary: "your comments on planning application {plan_ref}", done: "your comments have been published on the application", form: "Comment on a planning application",
        subjects: ["Objection to planning application {plan_ref}", "Comments on {plan_ref} – {n} {street2}"],
        bodies: ["I wish to object to planning application {plan_ref} for a two storey extension at {n} {street2}. It would block light to our kitchen and garden.", "I support application {plan_ref}. The derelict garage at {n} {street2} has been an eyesore for years."],
        posts: [], calls: [],
        replies: ["Thank you for your comments on application {plan_ref}. They will be published and taken into account by the case officer."]),
    topic!("planning", 4, Request, Normal, Resident, &[(Email, 5), (WebForm, 3), (Phone, 2)], None, Any,
        summary: "your question about planning permission", done: "we have given our advice", form: "Do I need planning permission?",
        subjects: ["Do I need planning permission?", "Pre-application advice – {addr}"],
        bodies: ["Do I need planning permission for a single storey rear extension of 3 metres at {addr}? It's a semi-detached house.", "We'd like to convert our loft with a dormer at {addr}. Is this permitted development? We are not in a conservation area."],
        posts: [],
        calls: ["{full} asked whether a garden room needs permission at {addr}. Explained permitted development; sent pre-app link."],
        replies: ["Thank you for your enquiry. I have set out the permitted development rules below; for certainty you can apply for a lawful development certificate."]),
    topic!("planning", 4, Request, Normal, Business, &[(Email, 1)], None, Any,
        summary: "the validation of your application", done: "the application is now valid", form: "Planning validation",
        subjects: ["{plan_ref} – validation letter response", "Invalid application {plan_ref} – documents attached"],
        bodies: ["Please find attached the revised site plan and the drainage strategy requested in your validation letter for {plan_ref}. Please confirm the application is now valid."],
        posts: [], calls: [],
        replies: ["Thank you for the documents. I will check them and confirm validation of {plan_ref}."]),
    topic!("planning", 3, Request, Normal, Resident, &[(Email, 4), (WebForm, 3), (Phone, 2)], None, Any,
        summary: "the possible breach of planning control", done: "an enforcement officer has visited", form: "Report a breach of planning control",
        subjects: ["Unauthorised extension {n} {street2}", "Planning enforcement – building without permission"],
        bodies: ["The owner of {n} {street2} is building a large outbuilding right up to our fence. I can't find any planning application for it."],
        posts: [],
        calls: ["Caller reports large outbuilding under construction at {n} {street2}, no application found. Logged for enforcement."],
        replies: ["Thank you for your report. An enforcement officer will investigate and visit the site."]),
    topic!("planning", 2, Request, Normal, Resident, &[(Email, 3), (WebForm, 2)], None, Any,
        summary: "the protected tree", done: "the tree works decision has been issued", form: "Works to protected trees",
        subjects: ["Works to tree with TPO", "Is the oak at {addr} protected?"],
        bodies: ["We want to cut back an oak tree in our garden at {addr} which is overhanging the house. Is it covered by a tree preservation order?"],
        posts: [],
        calls: ["Caller asked if tree at {addr} has TPO. Checked map: yes. Sent application link."],
        replies: ["Thank you. The tree is covered by a tree preservation order, so you will need consent; the form is attached."]),
    // ───────────────────────── Parking ─────────────────────────
    topic!("parking", 9, Request, Normal, Resident, &[(WebForm, 6), (Email, 3), (Phone, 1)], None, Any,
        summary: "your penalty charge notice challenge", done: "we have decided your challenge", form: "Challenge a penalty charge notice",
        subjects: ["Challenge to PCN {pcn}", "Parking ticket appeal – {reg}", "PCN {pcn} – I had a valid permit"],
        bodies: ["I am challenging PCN {pcn} issued to {reg} on {street2} on {date_past}. My blue badge was clearly displayed on the dashboard.", "I received PCN {pcn} while loading furniture outside {n} {street2}. I was there for 10 minutes. I believe this is exempt.", "The pay machine in {site} was out of order so I could not buy a ticket. PCN {pcn}, vehicle {reg}."],
        posts: [],
        calls: ["Caller wants to challenge PCN {pcn}. Advised to submit online with evidence."],
        replies: ["Thank you for your challenge to PCN {pcn}. We have put the notice on hold while we consider it."]),
    topic!("parking", 6, Request, Normal, Resident, &[(WebForm, 6), (Phone, 3), (Email, 2)], None, Any,
        summary: "your resident parking permit", done: "your permit has been issued", form: "Apply for a resident parking permit",
        subjects: ["Resident permit renewal", "Visitor permits – {street}"],
        bodies: ["My resident permit for {street} expires on {date} and I haven't had a renewal reminder. Vehicle {reg}.", "How many visitor permits can I have for {addr}? My mum visits every week."],
        posts: [],
        calls: ["{full} renewing resident permit for {street}, {reg}. Payment link sent."],
        replies: ["Thank you. Your permit application has been received and will be processed within 5 working days."]),
    topic!("parking", 3, Request, Normal, Resident, &[(Phone, 4), (Facebook, 3), (X, 2), (WebForm, 2)], CarPark, Any,
        summary: "the faulty pay machine", done: "the machine has been repaired", form: "Car park problem",
        subjects: ["Pay machine broken at {site}"],
        bodies: ["The pay and display machine on level 2 of {site} is not taking cards or coins."],
        posts: ["Pay machine at {site} broken again, no way to pay", "Card machine not working in {site} – will I get a ticket?"],
        calls: ["Caller reports pay machine out of order at {site}. Logged for engineer; advised to use app."],
        replies: ["Thank you. An engineer has been asked to repair the machine at {site}. Any PCN issued while it was faulty will be cancelled on appeal."]),
    topic!("parking", 2, Request, Normal, Resident, &[(WebForm, 3), (Phone, 2), (Facebook, 1)], Street, Any,
        summary: "the parking problem on your street", done: "enforcement officers have visited", form: "Report illegal parking",
        subjects: ["Cars parked on double yellows {street2}"],
        bodies: ["Every morning at school drop-off, cars park on the double yellow lines and the zigzags on {street2}. A child is going to get hurt."],
        posts: ["School run parking on {street2} is a disgrace, zigzags blocked every day"],
        calls: ["Caller reports persistent parking on double yellows at {street2} at school times. Logged for enforcement patrol."],
        replies: ["Thank you. We will add {street2} to our enforcement patrols at school times."]),
    // ───────────────────────── Environmental health ─────────────────────────
    topic!("environmental-health", 8, Request, Normal, Resident, &[(WebForm, 5), (Phone, 4), (Email, 3)], None, Any,
        summary: "the noise nuisance", done: "an officer has investigated the noise", form: "Report a noise nuisance",
        subjects: ["Noise from neighbours", "Loud music every night – {street}", "Barking dog"],
        bodies: ["My neighbours at number {n} play loud music until 3am most nights. I have spoken to them but it hasn't stopped. I work early shifts.", "The dog next door barks all day while the owners are at work. It's been going on since {month}."],
        posts: [],
        calls: ["{full} reports loud music from neighbour, nightly, past 2 weeks. Diary sheets sent.", "Caller reports dog barking all day at neighbouring property on {street}. Logged; diary sheets sent."],
        replies: ["Thank you for reporting the noise. I have sent you diary sheets: please record each occurrence for two weeks and return them."]),
    topic!("environmental-health", 4, Request, High, Resident, &[(WebForm, 4), (Email, 3), (Phone, 2)], None, Any,
        summary: "your food hygiene concern", done: "an inspector has visited the premises", form: "Report a food hygiene concern",
        subjects: ["Food poisoning after takeaway", "Hygiene concern – takeaway on {street2}"],
        bodies: ["My husband and I were both ill after eating from a takeaway on {street2} on {day}. We think the chicken was undercooked.", "I saw mice in the kitchen of the café on {street2} through the back door."],
        posts: [],
        calls: ["Caller reports illness after takeaway on {street2}, {day}. Logged for food team."],
        replies: ["Thank you for letting us know. A food safety officer will look into this and may contact you for more details."]),
    topic!("environmental-health", 6, Request, Normal, Resident, &[(Phone, 6), (WebForm, 4)], None, Summer,
        summary: "your pest control booking", done: "the pest control treatment has been carried out", form: "Book pest control",
        subjects: ["Rats in the garden", "Wasps nest", "Pest control booking"],
        bodies: ["We have seen rats in the garden at {addr} and think they are coming from the drains. Please can we book a treatment?", "There's a wasps' nest in the eaves above our front door at {addr}."],
        posts: [],
        calls: ["{full} booked rat treatment at {addr}. Payment link sent. Visit {day}.", "Wasps nest at {addr}. Booked; concession rate applied."],
        replies: ["Thank you. Your pest control visit is booked; the technician will call ahead on the day."]),
    topic!("environmental-health", 3, Request, Normal, Resident, &[(WebForm, 3), (Phone, 3), (Facebook, 1)], None, Any,
        summary: "the smoke and bonfire complaint", done: "we have written to the person responsible", form: "Report smoke or bonfires",
        subjects: ["Bonfire smoke", "Garden fires every weekend"],
        bodies: ["Our neighbour at {n} {street} burns garden waste and plastics every weekend. The smoke comes into our house and my son has asthma."],
        posts: ["Someone on {street} burning rubbish again, can't open a window"],
        calls: ["Caller reports neighbour burning rubbish weekly on {street}. Logged; letter to be sent."],
        replies: ["Thank you. We will write to the occupier and ask you to keep a diary of further fires."]),
    topic!("environmental-health", 2, Request, Low, Resident, &[(WebForm, 3), (Facebook, 2), (Phone, 1)], Street, Any,
        summary: "the dog fouling", done: "a warden has patrolled the area", form: "Report dog fouling",
        subjects: ["Dog fouling on {street2}"],
        bodies: ["The path along {street2} is covered in dog mess every morning. It's the route to St Anne's school."],
        posts: ["Dog mess all along {street2} again. Where are the wardens?"],
        calls: ["Caller reports persistent dog fouling on {street2}. Logged for warden patrol."],
        replies: ["Thank you. Our wardens will patrol {street2} at the times you mentioned."]),
    // ───────────────────────── Customer services ─────────────────────────
    topic!("customer-services", 5, Enquiry, Low, Resident, &[(Phone, 5), (Email, 3), (Facebook, 2), (X, 1)], None, Any,
        summary: "your enquiry", done: "we have answered your enquiry", form: "General enquiry",
        subjects: ["General enquiry", "Who do I contact about this?", "Question"],
        bodies: ["I don't know who to ask about this, so I'm emailing the general address. Who deals with the land at the back of {street2}? It's overgrown and nobody seems to own it.", "Could you tell me who I should speak to about a memorial bench in Victoria Park for my late father?"],
        posts: ["Who do I contact about the state of the land behind {street2}?", "Are the council offices open on Friday?"],
        calls: ["Caller asking which department handles land ownership behind {street2}. Referred to estates.", "General enquiry about council office opening hours. Answered."],
        replies: ["Thank you for your enquiry. I have looked into this and the details are below."]),
    topic!("customer-services", 3, Request, Low, Resident, &[(Email, 4), (Phone, 4), (WebForm, 2)], None, Any,
        summary: "your contact details", done: "your details have been updated", form: "Update your contact details",
        subjects: ["Update my contact details", "New phone number"],
        bodies: ["Please update my contact details. My new mobile is {phone_new} and I no longer use my old email address."],
        posts: [],
        calls: ["{full} asked to update phone number and email on record. Updated."],
        replies: ["Thank you. Your contact details have been updated."]),
    topic!("customer-services", 3, Enquiry, Normal, Resident, &[(Phone, 5), (Email, 3)], None, Any,
        summary: "your payment", done: "we have found your payment and sent a receipt", form: "Payment enquiry",
        subjects: ["Payment made but no receipt", "Paid twice by mistake"],
        bodies: ["I paid {amount} online on {date_past} but didn't get a receipt, and now I'm worried it didn't go through.", "I think I paid my bill twice by mistake on {date_past} – {amount} each time. Please refund one."],
        posts: [],
        calls: ["Caller paid {amount} online {date_past}, no receipt. Found on payments system; receipt resent.", "{full} believes double payment of {amount}. Passed to finance for refund check."],
        replies: ["Thank you for getting in touch about your payment. I have checked our payment system and set out what I found below."]),
    topic!("customer-services", 2, Enquiry, Low, Resident, &[(Email, 3), (Facebook, 3), (X, 1), (Phone, 2)], None, Any,
        summary: "your kind feedback", done: "we have passed on your thanks", form: "Compliments",
        subjects: ["Thank you to your staff", "Compliment"],
        bodies: ["I just wanted to say thank you to the lady I spoke to on the phone on {day}. She was so patient with my mum and sorted everything out.", "Compliment for the bin crew on {street} – they always put the bins back and wave at my son."],
        posts: ["Shout out to the bin crew on {street} who always wave at my little boy 😊", "Thanks to the contact centre for sorting out my mum's council tax, really helpful"],
        calls: ["Caller wanted to pass on thanks to the crew on {street}. Recorded as a compliment."],
        replies: ["Thank you so much for taking the time to let us know. I have passed your kind words on to the team."]),
    topic!("customer-services", 2, Enquiry, Low, Resident, &[(Phone, 4), (Email, 2), (Facebook, 2)], LeisureCentre, Any,
        summary: "your leisure centre enquiry", done: "we have answered your question", form: "Leisure centre enquiry",
        subjects: ["Swimming lessons at {site}", "Gym membership – {site}"],
        bodies: ["Are there any spaces in the Saturday morning children's swimming lessons at {site}? My child {child} is 7.", "I'd like to cancel my gym membership at {site} from the end of {month}."],
        posts: ["Is the pool at {site} open this weekend?", "Changing rooms at {site} freezing again, is the heating broken?"],
        calls: ["Caller asked about swimming lessons at {site}. Passed booking line details."],
        replies: ["Thank you for your enquiry about {site}. The details are below."]),
    // ───────────────────────── ICT service desk ─────────────────────────
    topic!("ict-service-desk", 16, Request, Normal, Staff, DESK, Caller, Any,
        summary: "your account", done: "your account has been unlocked and your password reset", form: "Password reset",
        subjects: ["Account locked", "Password reset please", "Can't log in after holiday", "Locked out of {app}"],
        bodies: ["I've been locked out of my account after entering my password wrong too many times. Can you unlock it please?", "My password expired while I was on leave and now I can't log in. Asset tag {device}.", "I'm locked out of {app}. It says my account is disabled."],
        posts: [],
        calls: ["{full} ({dept}) locked out after leave. Identity verified, account unlocked and temporary password issued.", "Caller locked out of {app}. Reset via admin console."],
        replies: ["I have unlocked your account and reset your password. You'll be asked to choose a new one when you next log in."]),
    topic!("ict-service-desk", 12, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "your laptop problem", done: "your laptop is working again", form: "Laptop fault",
        subjects: ["Laptop won't start", "Laptop very slow", "Blue screen on laptop {device}", "Docking station not detecting monitors"],
        bodies: ["My laptop ({device}) won't power on this morning. It was fine yesterday. I've tried a different charger.", "My laptop has become extremely slow since {day}. It takes 10 minutes to open Outlook.", "The docking station on my desk at {site} isn't detecting either monitor."],
        posts: [],
        calls: ["{full} laptop {device} no power. Booked swap at {site}.", "Caller's docking station not detecting screens at {site}. Firmware update pushed remotely; resolved."],
        replies: ["Thanks for reporting this. I've booked an engineer to visit {site} to look at the laptop."]),
    topic!("ict-service-desk", 8, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "the printer fault", done: "the printer is working again", form: "Printer fault",
        subjects: ["Printer not working – {site}", "Printer jammed / error 49", "Can't print to the MFD"],
        bodies: ["The printer at {site} is showing error 49 and won't print anything. It's the only one on this floor.", "None of us can print to the multifunction device at {site} since this morning."],
        posts: [],
        calls: ["{full} reports MFD at {site} offline. Logged with print supplier."],
        replies: ["Thanks. I've logged a call with the print supplier for the device at {site}."]),
    topic!("ict-service-desk", 7, Request, Normal, Staff, DESK, Caller, Any,
        summary: "your new starter request", done: "the new starter's account and equipment are ready", form: "New starter",
        subjects: ["New starter – {child} – {date}", "Account and laptop for new starter"],
        bodies: ["We have a new starter, {child}, joining {dept} on {date}. They'll need a laptop, an account, access to the team's shared drive and {app}."],
        posts: [],
        calls: ["{full} requesting new starter setup for {child}, {dept}, start {date}. Form sent."],
        replies: ["Thanks. The new starter account has been created and a laptop will be ready for collection."]),
    topic!("ict-service-desk", 6, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "the Teams and Outlook problem", done: "the problem has been fixed", form: "Teams or Outlook problem",
        subjects: ["Outlook keeps crashing", "Teams calls dropping", "Shared mailbox missing from Outlook"],
        bodies: ["Outlook crashes every time I open the shared mailbox. It started after the restart on {day}.", "Teams calls keep dropping after about a minute. Colleagues can't hear me.", "The {dept} shared mailbox has disappeared from my Outlook."],
        posts: [],
        calls: ["Caller's Outlook crashing on shared mailbox. Rebuilt profile remotely; resolved."],
        replies: ["Thanks for letting us know. I've rebuilt your Outlook profile remotely; please restart and let me know if the problem continues."]),
    topic!("ict-service-desk", 5, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "the VPN problem", done: "your VPN connection is working", form: "Remote access problem",
        subjects: ["VPN won't connect from home", "Remote access dropping"],
        bodies: ["I'm working from home today and the VPN won't connect. It says 'authentication failed'.", "My VPN keeps disconnecting every 20 minutes so I lose everything I'm working on."],
        posts: [],
        calls: ["{full} VPN auth failure from home. Certificate expired; renewed."],
        replies: ["Thanks. Your VPN certificate had expired; I've renewed it. Please reconnect and let me know."]),
    topic!("ict-service-desk", 5, Request, Low, Staff, DESK, Caller, Any,
        summary: "your software request", done: "the software has been installed", form: "Software request",
        subjects: ["Software install request", "Access to {app}", "Need Adobe Acrobat Pro"],
        bodies: ["Please could I have {app} installed? My manager has approved it.", "I need access to {app} for my new role in {dept}."],
        posts: [],
        calls: ["Caller requests {app} access; manager approval needed. Form sent."],
        replies: ["Thanks. Once your manager approves the request in the portal, we will install it."]),
    topic!("ict-service-desk", 4, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "the WiFi problem", done: "the WiFi is working again", form: "Network problem",
        subjects: ["Staff WiFi dropping at {site}", "No network in meeting room"],
        bodies: ["The staff WiFi at {site} keeps dropping out, especially in the meeting rooms.", "The network port in meeting room 3 at {site} isn't working."],
        posts: [],
        calls: ["Caller reports intermittent staff WiFi at {site}. Logged for network team."],
        replies: ["Thanks. The network team are looking at the access points at {site}."]),
    topic!("ict-service-desk", 3, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "your phone or headset", done: "your phone is working", form: "Phone or headset fault",
        subjects: ["Headset not working", "Softphone not ringing"],
        bodies: ["My headset has stopped working – callers can't hear me. I'm on the phones all day.", "My softphone isn't ringing when calls come into the queue."],
        posts: [],
        calls: ["{full} headset fault. Replacement sent to {site}."],
        replies: ["Thanks. A replacement headset is on its way to {site}."]),
    topic!("ict-service-desk", 2, Incident, Normal, Staff, DESK, Caller, Any,
        summary: "the RevsPro problem", done: "the RevsPro problem is fixed", form: "Application fault",
        subjects: ["RevsPro report won't run", "RevsPro – can't open account"],
        bodies: ["The month-end arrears report in RevsPro fails with a timeout.", "RevsPro gives an error when I try to open account {ref}."],
        posts: [],
        calls: ["Caller's RevsPro report timing out. Logged with application support."],
        replies: ["Thanks. I've logged this with the RevsPro application support team."]),
];

/// A short, service-independent tail for a social reply.
pub(crate) const SOCIAL_REPLIES: &[&str] = &[
    "Hi {first}, thanks for letting us know. We've logged this with our {team} team. Please DM us your address so we can keep you updated. ^{initials}",
    "Thanks {first}. We've passed this on to {team} and they'll take a look. ^{initials}",
    "Hi {first}, sorry to hear this. We've reported it to the {team} team today. ^{initials}",
    "Thanks for the report, {first} – it's been logged and the team will be in touch. ^{initials}",
];

/// A council officer's note of a call back.
pub(crate) const CALLBACKS: &[&str] = &[
    "Called {first} back about {summary}. Explained next steps; customer happy.",
    "Returned call re {summary}. No answer – left voicemail asking them to call 01632 960000.",
    "Spoke to {first} re {summary}. Confirmed details and updated the case.",
    "Call back to {first}: update given on {summary}.",
];

/// Written acknowledgements when a topic has none of its own.
pub(crate) const ACKS: &[&str] = &[
    "Thank you for contacting us about {summary}. I have passed this to the {team} team, who will reply within 10 working days.",
    "Thank you for your message about {summary}. We are looking into it and will be in touch.",
];

/// Written closing replies, once the work is done.
pub(crate) const CLOSINGS: &[&str] = &[
    "Further to your recent contact about {summary}, I can confirm that {done}.\n\nIf there is anything else we can help with, please reply to this email.",
    "I am writing to let you know that {done}. Thank you for your patience.",
    "Good news: {done}. I will now close your case, but please get in touch if there is anything further.",
];

pub(crate) const SOCIAL_CLOSINGS: &[&str] = &[
    "Hi {first}, just to let you know {done}. Thanks for reporting it. ^{initials}",
    "Update: {done}. Thanks for your patience, {first}. ^{initials}",
];

/// A customer chasing, by email or form.
pub(crate) const CHASERS: &[&str] = &[
    "I contacted you on {date_prev} about {summary} and have not heard anything since. Please can someone let me know what is happening?",
    "Is there any update on this? It has now been {days} days.",
    "Following up on my earlier message. This is still not sorted and I'm getting frustrated.",
    "Sorry to chase, but could you let me know where things are up to?",
];

/// A customer sending more information or saying thanks.
pub(crate) const FOLLOW_UPS: &[&str] = &[
    "Thanks for getting back to me. Could you let me know roughly when this will be done?",
    "Thanks for the update. Please keep me posted.",
    "Thank you for your help – much appreciated.",
    "Thanks. I've attached the documents you asked for.",
    "Thank you, that's all sorted now.",
    "I've had your reply but I don't think it answers my question. Could someone call me?",
];

pub(crate) const SOCIAL_CHASERS: &[&str] = &[
    "Any update on this? Still not sorted.",
    "Still waiting… it's been {days} days",
    "Reported this {days} days ago, nothing has happened 🙄",
    "Thanks, sent you a DM with the address",
];

pub(crate) const SOCIAL_THANKS: &[&str] = &["Thanks, all done now 👍", "Brilliant, thank you!", "Cheers 👍"];

pub(crate) const PHONE_CHASERS: &[&str] = &[
    "{full} called back chasing {summary}. Apologised for the delay; chased {team}.",
    "Customer rang for an update on {summary}. Advised still with {team}.",
];

/// Complaint grievances per service, in the customer's words.
pub(crate) const GRIEVANCES: &[(&str, &[&str])] = &[
    (
        "revenues-and-benefits",
        &[
            "I have been sent a summons for council tax I do not owe. I emailed three times in {month} with proof of payment and nobody replied. Now I've been charged costs of {amount}.",
            "My housing benefit was stopped without warning and I only found out when my landlord told me I was in arrears. Nobody will explain why.",
            "Your staff member was rude to me on the phone when I asked about my council tax reduction, and hung up on me.",
        ],
    ),
    (
        "registrar",
        &[
            "I paid for a priority certificate on {date_past} and it still hasn't arrived. I have missed my passport appointment as a result.",
            "The certificate I was sent has my mother's name spelt wrongly, and I was told I would have to pay again for a corrected copy.",
        ],
    ),
    (
        "highways",
        &[
            "I reported the pothole on {street2} in {month} and nothing was done. Last week I hit it and it has cost me {amount} for a new tyre and wheel alignment.",
            "The resurfacing on {street2} was left half finished for weeks with no signs or explanation, and my elderly mother fell on the loose chippings.",
        ],
    ),
    (
        "street-lighting",
        &[
            "The street light outside my house on {street} has been reported five times since {month}. It is still out and I feel unsafe walking home.",
        ],
    ),
    (
        "waste",
        &[
            "My bins have been missed four times in the last two months. Every time I report it I'm told it will be collected in 2 days and it isn't.",
            "The crew smashed my recycling bin and left the rubbish all over the pavement. When I rang I was told it was my fault for overfilling it.",
            "I pay for garden waste and it has not been collected since {date_past}. I want a refund.",
        ],
    ),
    (
        "libraries",
        &[
            "I was charged {amount} for a lost book which I returned. Staff at the branch were unhelpful and said there was nothing they could do.",
            "The disabled toilet at the library has been out of order for a month and I have had to go home early every visit.",
        ],
    ),
    (
        "housing",
        &[
            "I have been in temporary accommodation for 14 months with two children in one room. My housing officer has not returned any of my calls since {month}.",
            "I reported damp and mould in {month} and was told an officer would visit. Nobody came and my daughter's asthma is worse.",
            "My homelessness application was closed without anyone telling me.",
        ],
    ),
    (
        "planning",
        &[
            "The council allowed the extension at {n} {street2} even though more than 20 neighbours objected, and the officer never visited the site.",
            "I have been waiting 5 months for a decision on my planning application {plan_ref} and nobody will give me a date.",
        ],
    ),
    (
        "parking",
        &[
            "I was given a ticket while parked legally with a valid permit, and my challenge was rejected with a standard letter that didn't address what I said.",
            "The pay machine was broken and I still got a PCN. The appeal was refused. This is completely unfair.",
        ],
    ),
    (
        "environmental-health",
        &[
            "I have been reporting the noise from next door since {month} and filled in every diary sheet. Nothing has been done and I can't sleep.",
            "The pest control officer did not turn up for the appointment I paid for and nobody called to tell me.",
        ],
    ),
    (
        "customer-services",
        &[
            "I waited 47 minutes on hold this morning and was then cut off. This is the third time this week.",
            "I was promised a call back on {date_past} and nobody called. I have now had to explain my problem four times to four different people.",
        ],
    ),
];

/// How a complaint opens and closes, around the grievance.
pub(crate) const COMPLAINT_FRAMES: &[(&str, &str)] = &[
    (
        "I wish to make a formal complaint.\n\n",
        "\n\nI would like a written response and an explanation of what you will do to put this right.",
    ),
    (
        "I am writing to complain about the way I have been treated.\n\n",
        "\n\nI expect an apology and for this to be sorted out.",
    ),
    (
        "Please treat this as a formal complaint under your complaints procedure.\n\n",
        "\n\nIf I do not get a proper response I will take this to the Ombudsman.",
    ),
];

pub(crate) const COMPLAINT_SUBJECTS: &[&str] = &[
    "Formal complaint",
    "Complaint",
    "Complaint about {service_name}",
    "I want to make a complaint",
];

pub(crate) const COMPLAINT_REPLIES: &[&str] = &[
    "Thank you for your email. I am sorry you have had cause to complain. Your complaint has been logged at stage 1 of our complaints procedure and you will receive a full response within 10 working days.",
    "I acknowledge your complaint, which is being investigated at stage 1. An officer from {team} will respond in full within 10 working days.",
];

pub(crate) const COMPLAINT_OUTCOMES: &[&str] = &[
    "I have now completed my investigation. I have upheld your complaint: we should have responded to you sooner. I am sorry. We have put things right and reminded the team of our procedures.",
    "Having looked into your complaint carefully, I have partly upheld it. The decision itself was correct, but we did not explain it well, and I apologise for that.",
    "I have investigated your complaint and have not upheld it, for the reasons set out below. If you are unhappy with this response you can ask for it to be reviewed at stage 2.",
];

/// Books for library slots.
#[rustfmt::skip]
pub(crate) const BOOKS: &[&str] = &[
    "The Thursday Murder Club", "Where the Crawdads Sing", "The Salt Path", "Shuggie Bain",
    "Normal People", "The Gruffalo", "A Little Life", "Hamnet", "The Midnight Library",
    "Lessons in Chemistry", "Wolf Hall", "The Body", "Atomic Habits", "Small Things Like These",
    "Demon Copperhead",
];

/// Applications staff use.
#[rustfmt::skip]
pub(crate) const APPS: &[&str] = &[
    "RevsPro", "Uniform", "Mosaic", "SharePoint", "Power BI", "Agresso", "Citrix",
    "Adobe Acrobat Pro", "iTrent", "Spydus", "Idox", "the finance portal",
];

/// Bins for waste slots.
pub(crate) const BINS: &[&str] = &[
    "black bin",
    "blue recycling bin",
    "green garden waste bin",
    "food waste caddy",
    "glass box",
    "grey bin",
];

/// Fills `{slot}`s from `get`; an unknown slot is left as written so tests can catch it.
pub(crate) fn fill(template: &str, get: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match get(key) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
