# The third batch: written after the rules were corrected against the first two, and scored
# without changing the rules for it. Same mark-up as extraction_messages.py.

msg("h-ll-01", "email", """Hi,

Just a heads up that our tenants at [[address|No. 6 Rosehill Street|6 Rosehill Street]], Cheltenham [[postcode|GL52 6SD]] gave notice and are leaving on [[date|Friday 31st October|2025-10-31]]. We'll be re-letting asap. CT account is [[council_tax_ref|50318842]].

I'm away next week so please email my colleague [[email|lettings2@brightstarhomes.co.uk]] if you need anything.

Thanks
Jas
Brightstar Homes
Mob. [[phone|07700 900 206]]""", received="2025-10-20")

msg("h-ll-02", "email", """Dear Council Tax Department

RE: [[address|45, Gloucester Place|45 Gloucester Place]], Cheltenham, [[postcode|GL52 2RJ]] — Account Number [[council_tax_ref|50140078]]

I write to confirm I completed the sale of the above property on [[date|17.10.2025|2025-10-17]]. The buyers are Mr & Mrs Hussain. Please close my account from that date and send the final statement to [[address|3 Orchard Close]], Malvern [[postcode|WR14 3LB]].

Yours faithfully,

Anne Bright""", received="2025-10-20")

msg("h-ll-03", "email", """Hello again,
Further to my email last week, the tenant for [[address|Flat 4, 19 Portland Street]] ([[postcode|GL52 2NZ]]) is now confirmed: Miss Holly Gardner, moving in [[date|3 November|2025-11-03]]. Old account [[council_tax_ref|50411904]] should close on [[date|2 November|2025-11-02]].
Regards
R. Ahmed, Portland Lets""", received="2025-10-27")

msg("h-ll-04", "email", """CTAX changes for w/c [[date|27/10|2025-10-27]]:
* [[address|12 Eldon Road]] [[postcode|GL52 6TX]] – tenant out [[date|28/10/2025|2025-10-28]] – a/c [[council_tax_ref|50722112]]
* [[address|12a Eldon Road|12A Eldon Road]] [[postcode|GL52 6TX]] – tenant in [[date|29/10/2025|2025-10-29]] – a/c [[council_tax_ref|50722113]]
* [[address|6 Fairview Street]] [[postcode|GL52 2JF]] – void from [[date|31/10/2025|2025-10-31]] – a/c [[council_tax_ref|50722190]]
Any queries give me a ring on [[phone|01242 699 020]]. Ta, Lou""", received="2025-11-03")

msg("h-ll-05", "email", """Hi, I'm a private landlord. Just bought [[address|23 Keynsham Road]] [[postcode|GL53 7PZ]] – it's empty while I refurb, probably until Christmas. Do I need to pay council tax on it? I don't have an account yet. Regards, Darren Cole [[phone|07700 900 618]]""", received="2025-10-20")

msg("h-ll-06", "email", """Good morning,

Please note tenancy changes for the following properties (all managed by us on behalf of Mrs P. Lacey):

[[address|Flat A, 9 Bath Street|Flat A, 9 Bath Street]], [[postcode|GL50 1YE]]: Tenant Mr R Sharma vacated [[date|10/10/2025|2025-10-10]]. New tenant Ms T Oduya from [[date|13/10/2025|2025-10-13]]. Council tax reference [[council_tax_ref|50503301]].
[[address|Flat B, 9 Bath Street|Flat B, 9 Bath Street]], [[postcode|GL50 1YE]]: no change.
[[address|Flat C, 9 Bath Street|Flat C, 9 Bath Street]], [[postcode|GL50 1YE]]: vacant from [[date|24/10/2025|2025-10-24]]. Council tax reference [[council_tax_ref|50503303]].

Kind regards,
Accounts, Lacey Property Services""", received="2025-10-27")

msg("h-hb-01", "email", """Dear HB Team,

Our tenant Mr Jordan Hale at [[address|Flat 3, 72 Tewkesbury Road]] [[postcode|GL51 9AP]] has left owing rent. He handed the keys back on [[date|20th October|2025-10-20]]. HB claim ref [[hb_claim_ref|2511094]]. Please stop direct payments from that date.

Regards, Tenancy Team, Elmbridge Housing ([[phone|01242 388 200]])""", received="2025-10-27")

msg("h-hb-02", "email", """i have a new job starting [[date|10th nov|2025-11-10]], 16 hours a week at Tesco, [[money|£12.21]] an hour. do i need to tell housing benefit? my number is [[hb_claim_ref|1770348]]. thanks kayleigh""", received="2025-10-27")

msg("h-hb-03", "web_form", """Form: Report a change
Benefit: Housing Benefit and Council Tax Reduction
Claim reference: [[hb_claim_ref|2204419]]
National Insurance number: [[nino|AB 65 43 21 B]]
Change: my daughter left home on [[date|01/10/2025|2025-10-01]]
Address: [[address|5 Brecon Close]], Cheltenham [[postcode|GL51 6JD]]
Phone: [[phone|07700 900 441]]""", received="2025-10-20")

msg("h-hb-04", "email", """To whom it may concern, I write in support of my patient's claim for housing benefit. He is housebound following a stroke. His claim number is [[hb_claim_ref|3100982]]. Dr A. Malik, Leckhampton Surgery, [[phone|01242 515 363]]""", received="2025-10-20")

msg("h-hb-05", "email", """Hi, I'm confused — I got a letter saying my council tax reduction has been cancelled but my circumstances haven't changed. Reference [[hb_claim_ref|3345120]], council tax [[council_tax_ref|50918271]]. I'm on ESA. Can someone explain? Mo""", received="2025-10-20")

msg("h-br-01", "email", """Dear Non-Domestic Rates,

Account: [[business_rates_ref|60331208]]
Property: Ground floor, [[address|8 Clarence Parade]], [[postcode|GL50 3NY]]

We have split the premises and now only occupy the ground floor. The VOA has been notified (their ref 1177-2025). Please adjust the bill accordingly.

Regards
Dr S. Rahman, Clarence Physio""", received="2025-10-20")

msg("h-br-02", "email", """Hi, I run a pop-up café at [[address|Unit 1, 30 Winchcombe Street]] from [[date|1 November|2025-11-01]] to [[date|24 December|2025-12-24]]. Do I need to pay business rates for such a short let? Ellie, [[email|ellie@popupcoffee.co.uk]]""", received="2025-10-20")

msg("h-br-03", "email", """Our business rates ref is [[business_rates_ref|60007731]]. We paid [[money|£2,310]] on [[date|3/10/2025|2025-10-03]] but your reminder says we're in arrears. Please check your records. Thanks, Kingsway Garage Ltd""", received="2025-10-20")

msg("h-fb-01", "facebook", """This pothole on Church Road, Leckhampton has been there since the summer, right outside [[address|60 Church Road]]. Someone's going to come off their bike. Photo attached 📸""", received="2025-10-20")

msg("h-fb-02", "facebook", """hi can u send someone to look at the flooding on Old Gloucester Road by the garden centre, cars are driving through it and it's really deep""", received="2025-10-20")

msg("h-fb-03", "facebook", """Streetlight out opposite [[address|15 Prestbury Road]], postcode [[postcode|Gl52 2ph|GL52 2PH]]. Been out about a week.""", received="2025-10-20")

msg("h-fb-04", "facebook", """Fallen tree blocking half the road on Harp Hill near [[address|2 Aggs Lane]]. Cars swerving round it. Urgent!""", received="2025-10-20")

msg("h-fb-05", "facebook", """Reported this pothole 2 weeks ago - ref [[case_ref|HRD-015330]] - outside [[address|84 Wharf Road]]. It's twice the size now. Another one has opened up at [[address|90 Wharf Road]] too.""", received="2025-10-20")

msg("h-x-01", "x", """@DemoshireBC overflowing bins in Pittville Park by the boating lake again, rats everywhere. Pls empty""", received="2025-10-20")

msg("h-x-02", "x", """@DemoshireBC road markings completely worn away at the Lansdown Rd / Christchurch Rd junction. Near miss this morning. Someone will get killed""", received="2025-10-20")

msg("h-fb-06", "facebook", """Hi, my elderly mum lives at [[address|7 Windermere Road]] [[postcode|GL51 3PA]] and the pavement outside has sunk, she can't get her mobility scooter out. Could someone have a look please? You can call me on [[phone|07700900579]]. Thanks, Dawn""", received="2025-10-20")

msg("h-reg-01", "phone", """Caller (Mr Ian Rowe) wants a copy of his grandfather's [[certificate_type|death certificate|death]] – [[person_name|Albert Edward Rowe]], died [[date+event_date|11 March 1987|1987-03-11]] in Cheltenham. For a family history project. Sent pay link to [[email|ian.rowe@btinternet.com]].""", received="2025-10-20")

msg("h-reg-02", "email", """Dear Register Office,
Please could I have a replacement [[certificate_type|marriage certificate|marriage]]? Details:
Husband: [[person_name|Paul Anthony Kerr]]
Wife: [[person_name|Nicola Jane Kerr]] (née Dobbs)
Date of marriage: [[date+event_date|23/07/2011|2011-07-23]]
Venue: The Queens Hotel, Cheltenham
Deliver to [[address|17 Hall Road]], Leckhampton [[postcode|GL53 0HE]].
Thanks, Nicola""", received="2025-10-20")

msg("h-reg-03", "sms", """hiya need 2 copys of my mums [[certificate_type|death certificate|death]], [[person_name|Sandra Ellis]] died [[date+event_date|3/10/25|2025-10-03]], for the bank. whats the cost""", received="2025-10-20")

msg("h-reg-04", "email", """Hello. I was born in Cheltenham on [[date+event_date|29 February 1996|1996-02-29]] and need my [[certificate_type|birth certificate|birth]] for a passport. Name: [[person_name|Leah Victoria Grant]]. Mother: [[person_name|Michelle Grant]]. Thanks, Leah ([[phone|07700 900 882]])""", received="2025-10-20")

msg("h-reg-05", "web_form", """Form: Certificate order
Type: [[certificate_type|Civil partnership certificate|civil_partnership]]
Names: [[person_name|Robert Lyle]] and [[person_name|Owen Pritchard]]
Date of civil partnership: [[date+event_date|05/05/2018|2018-05-05]]
Copies: 1
Email: [[email|robandowen@gmail.com]]""", received="2025-10-20")

msg("h-reg-06", "phone", """Caller wants to know how to get a [[certificate_type|birth certificate|birth]] for a baby born abroad (Spain). Advised GRO overseas registration. No details taken.""", received="2025-10-20")

msg("h-pk-01", "email", """Dear Parking,

I'd like to challenge PCN GL77012398 for vehicle [[vehicle_reg|YK21 OPA]]. The ticket was issued at 09:12 on [[date|14 October 2025|2025-10-14]] in Royal Crescent, but I'd bought a ticket on the app at 09:05 (receipt attached, [[money|£3.80]]).

Regards
Simon Clarke""", received="2025-10-20")

msg("h-pk-02", "email", """Hi, my resident permit for [[address|12 Bayshill Villas]] ran out last month. Car is [[vehicle_reg|CV17 GHJ]]. Can I renew online? Mrs E. Hart""", received="2025-10-20")

msg("h-pk-03", "sms", """my car [[vehicle_reg|wm68 ztr|WM68 ZTR]] got a ticket outside my own house on Naunton Crescent, i have a permit!!""", received="2025-10-20")

msg("h-pk-04", "email", """Please can you enforce the double yellows outside [[address|4 Great Norwood Street]]? Vans park there all day. Latest was reg [[vehicle_reg|BX69 NUD]] on Wednesday [[date|15th October|2025-10-15]].""", received="2025-10-20")

msg("h-ict-01", "service_desk", """Can't access the shared Revenues drive (R:) since the password change this morning. Tried logging off and on. Julie, ext 2214""", received="2025-10-20")

msg("h-ict-02", "service_desk", """Phone system: the contact centre queue display is showing zero calls but we've got customers waiting. Started around 10am. Please call [[phone|01242 264 100]] (team leader line).""", received="2025-10-20")

msg("h-ict-03", "service_desk", """Hi - the RevsPro 4.3.1 patch seems to have broken the direct debit export. File for [[date|01/11/2025|2025-11-01]] collection didn't generate. Urgent as BACS deadline is tomorrow. Thanks, Neil (Revenues systems)""", received="2025-10-29")

msg("h-ict-04", "service_desk", """Replacement headset please – mine's broken (Jabra Evolve2 40). Desk 3.14, Municipal Offices. Cost code CC-4410.""", received="2025-10-20")

msg("h-ict-05", "service_desk", """Leaver: Mark Dobson, last day [[date|7 November|2025-11-07]]. Please disable accounts and forward emails to [[email|highways.admin@demoshire.gov.uk]]. Manager: Claire Hunt.""", received="2025-10-20")

msg("h-card-01", "phone", """Caller paying for pest control ([[money|£65]]) read out card number {{card|4929 8841 2270 530?}} and expiry {{exp|05/27}} before I could stop him. Pay link sent to [[phone|07700 900 734]]. Told him not to give card details on calls.""", received="2025-10-20")

msg("h-card-02", "email", """Hi, I've got the reminder for [[money|£210.00]]. Please take it from my Mastercard {{card|5356 6600 0000 000?}}, expiry {{exp|12/27}}, the code on the back is {{cvv|408}}. Account [[council_tax_ref|50617723]]. Cheers, Lee""", received="2025-10-20")

msg("h-card-03", "web_form", """Form: Feedback
Comments: The online payment form rejected my card three times ({{card|4658-5840-9000-001?}}). Really frustrating. I want to pay my garden waste [[money|£48]].""", received="2025-10-20")

msg("h-card-04", "email", """Card no {{card|6011000990139424}} exp {{exp|08/26}} cvv {{cvv|372}} - please use for the PCN [[money|£70]], reg [[vehicle_reg|DF14 KLM]]""", received="2025-10-20")

msg("h-card-05", "phone", """Customer wanted to pay over phone; started giving card {{card|3700 000000 0000?}} – interrupted. Sent link. Account [[council_tax_ref|50339101]].""", received="2025-10-20")

msg("h-ws-01", "email", """Hello, our food waste caddy was missed again on Thursday [[date|16 October|2025-10-16]]. [[address|3 Sandy Lane]], Charlton Kings [[postcode|GL53 9DE]]. UPRN is [[uprn|100120400335]].""", received="2025-10-20")

msg("h-ws-02", "email", """Can I get a second recycling box? We're a family of six at [[address|26 Brooklyn Road]] and it's always overflowing. Thanks, The Adeyemis""", received="2025-10-20")

msg("h-ws-03", "web_form", """Form: Bulky waste
Items: fridge freezer, 2 chairs
Address: [[address|Flat 1, 5 Dunalley Street]], [[postcode|GL50 4AP]]
Preferred date: Tuesday [[date|28th October|2025-10-28]]
Paid: [[money|£35.00]]""", received="2025-10-20")

msg("h-ho-01", "email", """Dear Housing Team, I have been told to leave my room at [[address|40 Market Street]] by Friday. I have nowhere else to go. My phone is [[phone|07700 900 164]] and my email is [[email|deanp1990@gmail.com]]. Dean""", received="2025-10-20")

msg("h-ho-02", "email", """Repairs: leaking roof at [[address|21 Brook Road]], [[postcode|GL51 0QR]], water coming through the bedroom ceiling since the storm on Sunday 19th. Council tenant, rent account 400212. Please help.""", received="2025-10-20")

msg("h-cp-01", "email", """Complaint: I have been waiting since [[date|June 3rd|2025-06-03]] for a decision on my blue badge. I've rung 5 times. Ref given was [[case_ref|HRD-012901]]. This is unacceptable. Mrs Valerie Scott, [[address|6 Moorend Crescent]], [[postcode|GL53 0EJ]], [[phone|01242 512 004]]""", received="2025-10-20")

msg("h-cp-02", "email", """Stage 2 please for [[case_ref|HRD-013377]]. I do not accept the council's stage 1 response of [[date|1 October|2025-10-01]], which didn't address the missed bins at all.""", received="2025-10-20")

msg("h-gen-01", "email", """Hi, do you do pest control for wasps? There's a nest in the eaves at [[address|11 Roman Hackle Avenue]], [[postcode|GL50 4SW]]. How much does it cost? Thanks, Jenny""", received="2025-10-20")

msg("h-gen-02", "email", """Please send a council tax bill copy to my accountant, [[email|bookkeeping@fieldandco.co.uk]], for account [[council_tax_ref|50229003]]. Thanks, Tom Field""", received="2025-10-20")

msg("h-gen-03", "email", """I received a refund cheque for [[money|£57.31]] but it's made out to my late husband. Can it be reissued in my name? Council tax ref [[council_tax_ref|50112790]]. Joan Webb""", received="2025-10-20")

msg("h-gen-04", "email", """I'm selling my house at [[address|3 Kingsmead Avenue]] and the buyer's solicitor wants the UPRN. Is it [[uprn|100120455789]]? That's what it says on an old letter.""", received="2025-10-20")

msg("h-gen-05", "email", """Hello, could you tell me what band my flat is in? [[address|Flat 3, 29 Oxford Street]], [[postcode|GL52 6DT]]. I think I'm being overcharged at [[money|£1,987.34]] a year. Thanks, Olu""", received="2025-10-20")

msg("h-gen-06", "email", """Dear Sir/Madam, I am writing to request a council tax payment plan. My account number is [[council_tax_ref|5003772104]]. I can afford [[money|£100]] per month starting [[date|15th November|2025-11-15]]. Yours faithfully, Michael Osei, [[phone|07700 900 299]]""", received="2025-10-20")

msg("h-gen-07", "email", """Hiya, is there any help with the cost of school uniforms? I get UC and have 3 kids. We live at [[address|10 Hester's Way Road|10 Hester's Way Road]]. Thanks Kirsty""", received="2025-10-20")

msg("h-gen-08", "email", """Quick question: if my son (19) is an apprentice, does he count for council tax? We currently get the single person discount on a/c [[council_tax_ref|50334490]]. Thanks, Gail""", received="2025-10-20")

msg("h-gen-09", "email", """Hi, I think I've been charged twice for the garden waste renewal, [[money|£52.00]] on [[date|2 Oct|2025-10-02]] and [[money|£52.00]] on [[date|4 Oct|2025-10-04]]. Can you refund one? Thanks, Pat ([[email|pat.mills@outlook.com]])""", received="2025-10-20")

msg("h-gen-10", "email", """Re licensing – our premises licence for the Bath Road Tavern, [[address|103 Bath Road]], [[postcode|GL53 7LS]], needs a variation to extend hours on [[date|31/12/2025|2025-12-31]]. Licence number PL/2019/0341. Contact [[phone|01242 524 877]].""", received="2025-10-20")

msg("h-neg-01", "email", """My reference from the letter is CT/REC/2025/10/4411 and the summons number is 2025-004567. Hearing on [[date|12 November|2025-11-12]].""", received="2025-10-20")

msg("h-neg-02", "email", """We have 12 flats, 3 floors, 2 lifts and 40 parking spaces. Built 1998. Please advise on bins.""", received="2025-10-20")

msg("h-neg-03", "email", """Tracking: <<nl|4400 1234 5678 9012>>. The parcel of recycling bags hasn't arrived.""", received="2025-10-20")

msg("h-neg-04", "email", """Please reply quoting [[case_ref|HRD-014002]]. Our switchboard is [[phone|01242 262 626]], textphone 18001 [[phone|01242 262 626]].""", received="2025-10-20")

msg("h-neg-05", "email", """UPRNs: [[uprn|100120001001]], [[uprn|100120001002]], [[uprn|100120001003]], [[uprn|100120001004]]. These are the four units at [[address|2 Kings Court]].""", received="2025-10-20")

msg("h-neg-06", "email", """Payroll number 00123456, employee ID 7781, cost centre 4410. Nothing to do with council tax.""", received="2025-10-20")

msg("h-neg-07", "email", """I've lived here since 1987. It's about 20 miles to the tip. The 94 bus stops at the end of the road every 15 minutes.""", received="2025-10-20")

msg("h-neg-08", "email", """Our sort code is 30-96-26 and account no. 11223344 — please refund the overpayment there.""", received="2025-10-20")
