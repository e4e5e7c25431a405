# The messages of the extraction evaluation set (see build_extraction.py for the mark-up).
# Council tax, business rates, benefits, highways, registrar, parking, ICT, payments, waste,
# housing, complaints, and hard negatives. Every name, number and address is made up.

# ---------------------------------------------------------------- letting agents and landlords
msg("ll-01", "email", """Dear Council Tax Team,

Please note the following changes of occupancy for properties we manage on behalf of our landlord, Mr D. Patel:

1. [[address|14 Mill Lane]], Cheltenham [[postcode|GL50 1AA]] – account [[council_tax_ref|50012345]]. Tenant Ms Laura Hughes vacated on [[date|28/02/2025|2025-02-28]]; new tenant Mr Tom Reed from [[date|1st March 2025|2025-03-01]].
2. [[address|Flat 2, 27 Station Road]], Cheltenham [[postcode|GL51 8NP]] – account [[council_tax_ref|50067891]]. Property empty from [[date|3rd March|2025-03-03]] while we refurbish.
3. [[address|9 Priory Walk]], Cheltenham [[postcode|GL52 6BX]] – account [[council_tax_ref|50111213]]. New tenants Mr and Mrs Okafor from [[date|15/03/2025|2025-03-15]].

Tenancy agreements attached. Please call me on [[phone|01242 574410]] if you need anything else.

Kind regards
Sarah Whitfield
Property Manager, Regency Lettings
[[email|sarah.whitfield@regencylettings.co.uk]]""", subject="Change of tenancy x3")

msg("ll-02", "email", """Hi,

Our tenant at [[address|32 Hewlett Road]], [[postcode|GL52 6AD]] moved out on [[date|31 March 2025|2025-03-31]] and the new tenant, Jake Morris, moved in on [[date|4 April 2025|2025-04-04]]. The council tax account number is [[council_tax_ref|5003341127]].

Forwarding address for the old tenant: [[address|7 Elm Close]], Gloucester [[postcode|GL4 3RT]].

Thanks
Mark
Cotswold Homes Lettings | [[phone|01452 300912]]""")

msg("ll-03", "email", """Good morning

Please can you update your records for the following. I am the landlord and the property is now empty and unfurnished.

Property: [[address|18A Bath Parade|18A Bath Parade]], Cheltenham, [[postcode|GL53 7HL]]
Account: [[council_tax_ref|50209876]]
Empty from: [[date|12/04/2025|2025-04-12]]

I understand an empty homes premium may apply after a year. Please send the bill to me at [[address|2 Orchard Way]], Bishops Cleeve [[postcode|GL52 8EF]].

Regards
Helen Marsh
[[phone|07700 900412]]""")

msg("ll-04", "email", """Dear Sir/Madam

I write on behalf of Severn Vale Housing Association. Please find below void periods for the following council tax accounts:

- [[council_tax_ref|50300111]] – [[address|Flat 4, 11 Tewkesbury Road]], [[postcode|GL51 9AH]] – void [[date|03/03/2025|2025-03-03]] to [[date|17/03/2025|2025-03-17]]
- [[council_tax_ref|50300112]] – [[address|Flat 6, 11 Tewkesbury Road]], [[postcode|GL51 9AH]] – void [[date|10/03/2025|2025-03-10]] to [[date|24/03/2025|2025-03-24]]
- [[council_tax_ref|50300119]] – [[address|21 Brooklyn Gardens]], [[postcode|GL51 8LN]] – void from [[date|01/04/2025|2025-04-01]], still empty

Our reference for this batch is SVHA/VOID/0425.

Yours faithfully
Income Team
Severn Vale Housing
[[email|income@severnvale-housing.org.uk]] / [[phone|0300 123 4567]]""")

msg("ll-05", "email", """Hello, I'm a landlord with two properties in your area. My new tenants are:
[[address|5 Sandford Street]] [[postcode|GL53 7AB]] - Miss Chloe Evans from [[date|6th April|2025-04-06]]
[[address|67 Leckhampton Road]] [[postcode|GL53 0BS]] - Mr Adam Novak from [[date|13th April|2025-04-13]]
I don't have the account numbers to hand sorry. Can you confirm you've updated it?
Raj""")

msg("ll-06", "email", """Dear Revenues,

Re: council tax account [[council_tax_ref|50412233]], [[address|88 Prestbury Road]], Cheltenham [[postcode|GL52 2DA]]

The tenancy ended on [[date|30th April 2025|2025-04-30]]. Final meter readings taken. Tenant's forwarding email is [[email|j.ansell84@gmail.com]].

The landlord (me) is liable from [[date|1st May 2025|2025-05-01]] until the next let. Please send a bill.

Thanks,
Peter Lowe""", received="2025-05-02")

msg("ll-07", "email", """Hi team, quick one. Tenant at [[address|3 Marle Hill Parade]] ([[postcode|GL50 4LP]]) has left. Council Tax ref [[council_tax_ref|50155567]]. Date left [[date|22/04/25|2025-04-22]]. New tenant starts [[date|1/5/25|2025-05-01]]. Cheers, Dom @ Townsend Lets [[phone|01242 226 118]]""")

msg("ll-08", "email", """Dear Council,

I've recently bought [[address|41 Naunton Crescent]], Cheltenham [[postcode|GL53 7BE]] (completion [[date|27 March 2025|2025-03-27]]). The property is being renovated and nobody is living there. Please can you set up a council tax account in my name and let me know whether any discount applies.

My contact details: [[phone|07700 900563]], [[email|OliverBright@outlook.com]]

Oliver Bright""")

msg("ll-09", "email", """To whom it may concern,

We are writing regarding the council tax for [[address|Flat 1, 9 Lansdown Terrace]] and [[address|Flat 3, 9 Lansdown Terrace]], Cheltenham [[postcode|GL50 2JT]]. Accounts [[council_tax_ref|50220001]] and [[council_tax_ref|50220003]].

Both flats are now let as a single HMO from [[date|1 April 2025|2025-04-01]], so the landlord will be liable. Please merge or close the individual accounts as appropriate.

Many thanks
Amy Clarke
Lansdown Estates Ltd
Tel: [[phone|01242 603 500]]""")

msg("ll-10", "email", """Morning, please see the table below for tenancy changes in April.

Property | Account | Out | In
[[address|12 Hales Road]], [[postcode|GL52 6SE]] | [[council_tax_ref|50311876]] | [[date|04/04/2025|2025-04-04]] | [[date|05/04/2025|2025-04-05]]
[[address|2 Kings Road]], [[postcode|GL52 6BG]] | [[council_tax_ref|50311902]] | [[date|11/04/2025|2025-04-11]] | [[date|25/04/2025|2025-04-25]]
[[address|Flat 7, 100 London Road]], [[postcode|GL52 6HW]] | [[council_tax_ref|50311955]] | [[date|18/04/2025|2025-04-18]] | vacant

Regards, Lettings Admin""")

msg("ll-11", "email", """Dear Sir,
I am writing to inform you that my late mother's house at [[address|16 Cleevelands Drive]], Cheltenham [[postcode|GL50 4QE]] has been empty since she died. Probate has not yet been granted. Her council tax account number is [[council_tax_ref|50004518]]. I believe there is an exemption for this. I am the executor; my address is [[address|23 Harbury Avenue]], Leamington Spa [[postcode|CV32 4RE]].
Yours faithfully
Gillian Ward""")

msg("ll-12", "email", """hi i moved out of [[address|4 roman road|4 Roman Road]] on [[date|the 5th april|2025-04-05]] and i am still getting bills. my account is [[council_tax_ref|50876543]]. my new address is [[address|19 Alstone Lane]] [[postcode|GL51 8HX]]. please sort it, thanks""")

msg("ll-13", "email", """Hello

We act for the landlord of the properties below. Both became vacant this month.

[[address|110 Gloucester Road]], Cheltenham [[postcode|GL51 8NR]] — Council Tax account no. [[council_tax_ref|50400011]] — vacant from [[date|14 April 2025|2025-04-14]]
[[address|112 Gloucester Road]], Cheltenham [[postcode|GL51 8NR]] — Council Tax account no. [[council_tax_ref|50400012]] — vacant from [[date|22 April 2025|2025-04-22]]

Please could you confirm the charges from these dates.

Kind regards,
Harris & Co Property Management
[[email|accounts@harrisproperty.co.uk]]""")

msg("ll-14", "email", """Dear Council Tax,

My tenant at [[address|27 St George's Road]], [[postcode|GL50 3DU]] has told me she is now a full-time student. I've attached her student certificate. Can the account ([[council_tax_ref|CTAX 50991234|50991234]]) be made exempt from September 2024? Thanks.
Carl""")

msg("ll-15", "email", """Good afternoon,

Tenancy changes for our portfolio at Montpellier Court:
Flat 1 – no change
[[address|Flat 2, 5 Montpellier Court]] – tenant left [[date|02/04/2025|2025-04-02]], new tenant [[date|09/04/2025|2025-04-09]], acc [[council_tax_ref|50612002]]
[[address|Flat 5, 5 Montpellier Court]] – tenant left [[date|20/04/2025|2025-04-20]], acc [[council_tax_ref|50612005]]
Postcode for all [[postcode|GL50 1SS]].

Kind regards, Nicola (Montpellier Property Services, [[phone|01242 700 313]])""")

msg("ll-16", "email", """Please close my council tax account [[council_tax_ref|50778812]]. I sold [[address|6 Keynsham Road]], [[postcode|GL53 7PX]] and completion was on [[date|17th April|2025-04-17]]. Please send the final bill to my new address: [[address|44 Westgate Street]], Gloucester [[postcode|GL1 2NF]]. Any refund to the account it was paid from please. Thanks, Diane Fox""")

msg("ll-17", "email", """Dear team,

RE: Single person discount – [[address|29 Queens Road]], [[postcode|GL50 2LX]]

My partner moved out on [[date|8 March 2025|2025-03-08]] so I now live alone. Please apply the single person discount to account [[council_tax_ref|50123987]].

Thank you
Priya Shah
[[phone|07700 900 218]]""")

msg("ll-18", "email", """Sirs, as managing agent for Glenfall House I confirm the tenants of [[address|Apartment 12, 1 Glenfall Way]] ([[postcode|GL52 6YL]]) vacated on [[date|28.03.2025|2025-03-28]]. Council tax acc [[council_tax_ref|50507712]]. New tenancy from [[date|07.04.2025|2025-04-07]], tenant details to follow. Regards, K. Dunmore, Glenfall Estates, [[email|k.dunmore@glenfall-estates.com]]""")

msg("ll-19", "email", """Hi there, I rent out [[address|58 Whaddon Road]], [[postcode|GL52 5NE]]. The tenant did a runner at the end of March and left no forwarding address. Council tax ref is [[council_tax_ref|50220456]]. Can you tell me what date you have them liable until? My number is [[phone|07700900751]]. Thanks, Steve""")

msg("ll-20", "email", """Dear Council Tax

I am a landlord. Three of my properties have had changes:

[[address|15 Tivoli Road]], [[postcode|GL50 2TD]] (account [[council_tax_ref|50600115]]): tenant left [[date|1 April 2025|2025-04-01]], new tenant same day.
[[address|17 Tivoli Road]], [[postcode|GL50 2TD]] (account [[council_tax_ref|50600117]]): empty from [[date|15 April 2025|2025-04-15]].
[[address|3 Suffolk Square]], [[postcode|GL50 2DR]] (account [[council_tax_ref|50600301]]): sold, completion [[date|25 April 2025|2025-04-25]].

Best wishes
Jonathan Tremlett""")

msg("ll-21", "web_form", """Form: Moving home
Name: Ewa Kowalczyk
Email: [[email|ewa.kowalczyk@yahoo.co.uk]]
Phone: [[phone|07700 900 981]]
Old address: [[address|Flat 3, 22 Rodney Road]], Cheltenham [[postcode|GL50 1JF]]
New address: [[address|8 Cirencester Road]], Charlton Kings [[postcode|GL53 8EX]]
Moving date: [[date|19/04/2025|2025-04-19]]
Council tax account number (if known): [[council_tax_ref|50788001]]""")

msg("ll-22", "email", """Dear Sir or Madam, I have received a summons for non-payment for [[address|49 Hanover Street]] [[postcode|GL50 4RY]], account [[council_tax_ref|50334455]]. I moved out on [[date|14th January|2025-01-14]] and told you at the time. The amount you say I owe is [[money|£412.36]]. Please look into this and cancel the summons. Daniel Hart""")

msg("ll-23", "email", """Hello. Our client sold [[address|7 Painswick Road]], [[postcode|GL50 2HA]] on [[date|March 28th|2025-03-28]]. Please apportion the council tax for account [[council_tax_ref|50901234]] to that date and send the final bill to us, [[address|Suite 4, 3 Imperial Square]], Cheltenham [[postcode|GL50 1QB]]. Regards, Bennett Solicitors, ref BS/2231/JT""")

msg("ll-24", "email", """Dear Revenues Team,
Could you please let me know the council tax band for [[address|21 Tommy Taylors Lane]], [[postcode|GL50 4NJ]]? We are considering buying it as a rental. Also what is the charge for 2025/26 for that band?
Thanks, Alan""")

msg("ll-25", "email", """Council Tax account [[council_tax_ref|50001188]] / [[address|2 The Green|2 The Green]], Leckhampton [[postcode|GL53 0AA]]. Tenant Ms R Singh left [[date|6 April 2025|2025-04-06]]; new tenant Mr P Jones moved in [[date|12 April 2025|2025-04-12]]. Please update. From the desk of A. Rowe, landlord.""")

# ---------------------------------------------------------------- housing benefit and council tax reduction
msg("hb-01", "email", """Dear Benefits Team,

I act for Mrs Joan Pearce, tenant of [[address|Flat 8, 30 Hatherley Road]], [[postcode|GL51 6EB]]. Her housing benefit claim reference is [[hb_claim_ref|1046785]]. Her rent increased to [[money|£725.00]] a month from [[date|1 April 2025|2025-04-01]]. Please reassess.

Kind regards
Tenancy Services
Cheltenham Homes [[phone|01242 264 200]]""")

msg("hb-02", "email", """Hi I have had a letter saying I have been overpaid housing benefit of [[money|£1,246.80]] but I told you about my new job on [[date|03/02/2025|2025-02-03]]. My claim number is [[hb_claim_ref|HB 2048811|2048811]] and my NI number is [[nino|QQ 12 34 56 C]]. Please can someone ring me on [[phone|07700 900 344]]. Thanks Kelly Moss""")

msg("hb-03", "email", """Dear Sir/Madam

Change of circumstances – housing benefit claim ref [[hb_claim_ref|3011247]]

My son has moved back home from university on [[date|20th April|2025-04-20]]. He is 21 and works part time earning about [[money|£180]] a week. My address is [[address|12 Arle Road]], Cheltenham [[postcode|GL51 8LB]]. National Insurance number [[nino|AB123456C]].

Yours faithfully
Maureen Cole""")

msg("hb-04", "email", """To the benefits office: I am a landlord and my tenant Mr Dean Foster at [[address|77 Swindon Road]], [[postcode|GL51 9JX]] has fallen behind. His HB is paid direct to me. Claim ref [[hb_claim_ref|2077190]]. Arrears are now [[money|£1,350]], more than 8 weeks. Please can you consider paying me directly under the 8 week rule. My payee reference is PAYEE-1147. Tel [[phone|01242 511 788]]. Thanks, Mr S Gupta""")

msg("hb-05", "email", """hello, i got universal credit now so do i need to cancel my housing benefit? my claim number is [[hb_claim_ref|1550243]] and i live at [[address|5 brunswick street|5 Brunswick Street]] [[postcode|gl50 4ex]]. thank you""")

msg("hb-06", "email", """Dear Council Tax Reduction team,

Please find attached my wife's payslips for March. Our council tax reduction claim number is [[hb_claim_ref|3300456]] and the council tax account is [[council_tax_ref|50444812]]. We live at [[address|9 Springfield Close]], [[postcode|GL52 5HU]].

Mr Imran Qureshi""")

msg("hb-07", "phone", """Call note: Mrs Barbara Hayes rang re HB backdating. Claim ref [[hb_claim_ref|2980011]]. She was in hospital from [[date|14/01/2025|2025-01-14]] to [[date|02/03/2025|2025-03-02]] and could not claim. Advised to put request in writing. Call back number [[phone|01242 690 477]]. NINO [[nino|JG 10 32 47 A]].""")

msg("hb-08", "email", """Re Discretionary Housing Payment application

Name: Tomasz Nowak
Address: [[address|Flat 11, 4 Tewkesbury Road]], [[postcode|GL51 9AL]]
HB claim: [[hb_claim_ref|1789022]]
Shortfall: [[money|£96.50]] per month
Reason: my rent went up and I have a bedroom tax reduction.
Contact: [[email|tomasz.n@protonmail.com]]""")

msg("hb-09", "email", """Good afternoon. I am writing from Citizens Advice on behalf of our client Ms Ama Boateng ([[nino|PE 55 22 19 B]]), of [[address|33 Selkirk Street]], [[postcode|GL52 2HJ]]. Her housing benefit ref is [[hb_claim_ref|2233461]]. She disputes the overpayment decision dated [[date|7 March 2025|2025-03-07]] and wishes to request a reconsideration. Please send all correspondence to her with a copy to me at [[email|advice@cacotswold.org.uk]]. Regards, Ben (Adviser)""")

msg("hb-10", "email", """Can you tell me why my housing benefit has stopped? I haven't had anything since [[date|14th March|2025-03-14]]. Ref [[hb_claim_ref|1903384]]. My landlord is threatening to evict me. Please call [[phone|07700 900 765]].""")

msg("hb-11", "email", """Hi, I'm a support worker at St Paul's hostel. One of our residents, Lee Harper (DOB [[date|09/11/1990|1990-11-09]]), needs to make a new claim for housing benefit for supported accommodation at [[address|1 Swindon Road]], [[postcode|GL50 4AA]]. His NI number is [[nino|NH 48 33 90 D]]. What's the best way to do this? Thanks, Jenny, [[phone|01242 577 600]]""")

msg("hb-12", "email", """Dear Sirs
Our ref: TEN/00412
Your ref: HB claim [[hb_claim_ref|2456008]]
We are the landlord of [[address|Flat 3, 61 Clarence Street]], Cheltenham [[postcode|GL50 3LB]]. The tenant moved out on [[date|31/03/2025|2025-03-31]]. Please stop payments to us from that date; we will repay any overpayment once notified.
Regards
Clarence Property Group""")

msg("hb-13", "email", """Hello, I've been asked to provide proof of my savings for my council tax support claim [[hb_claim_ref|3312009]]. I have about [[money|£2,400]] in a Nationwide account. Is a screenshot ok? Claire""")

msg("hb-14", "sms", """Hi its Gemma at [[address|25 Sun Street]], my HB claim [[hb_claim_ref|1720043]]. New baby born [[date|02/04/25|2025-04-02]] so need to add her to my claim. Thanks""")

msg("hb-15", "email", """Please note our tenant at [[address|8 Grafton Road]] [[postcode|GL50 2ES]], Mr Liam O'Neill, gave notice and leaves on [[date|23rd May|2025-05-23]]. Housing benefit reference [[hb_claim_ref|2310057]]. Rent is [[money|£650]] pcm. Regards, Sandra, Grafton Lettings""")

# ---------------------------------------------------------------- business rates
msg("br-01", "email", """Dear Business Rates,

We took over the lease of [[address|Unit 4, 20 Kingsditch Lane]], Cheltenham [[postcode|GL51 9PL]] on [[date|1 April 2025|2025-04-01]]. The previous occupier was Fastprint Ltd. Please transfer the business rates account (ref [[business_rates_ref|60012345]]) to our company, Brightside Cafés Ltd, company number 12345678.

Could you also tell us if we qualify for small business rate relief? The rateable value is [[money|£11,250]].

Thanks
Naomi Green
Director
[[phone|01242 250 900]] | [[email|naomi@brightsidecafes.co.uk]]""")

msg("br-02", "email", """Hello, NNDR account [[business_rates_ref|NNDR 60455610|60455610]] – we vacated [[address|18 Regent Street]] ([[postcode|GL50 1HE]]) on [[date|31/03/2025|2025-03-31]]. Keys returned to landlord. Please close the account and refund the overpayment of [[money|£842.17]] to our bank. Thanks, Accounts Dept, Harper & Lane Opticians""")

msg("br-03", "email", """Dear team

We have received the business rates bill for 2025/26 for our shop at [[address|5 Bath Road]], [[postcode|GL53 7HG]]. Account number [[business_rates_ref|60120099]]. The retail relief seems to be missing. Last year we got 75% off. Total now shown is [[money|£6,482.40]]. Please can you check.

Regards
Paul Kemp, Kemp's Deli""")

msg("br-04", "email", """I'm the landlord of [[address|Unit 2, 3 Manor Park]], Cheltenham [[postcode|GL51 9SQ]]. The unit has been empty since [[date|15 January 2025|2025-01-15]]. Business rates ref [[business_rates_ref|60788100]]. I believe there's 3 months empty property relief for industrial units - is that 6 months? Please advise. Tel [[phone|07700 900 620]].""")

msg("br-05", "email", """Dear Sir/Madam

Re: Non-domestic rates – The Old Bakery, [[address|14 High Street]], Winchcombe [[postcode|GL54 5LJ]], account [[business_rates_ref|60004477]]

We would like to pay by direct debit in 12 monthly instalments instead of 10. Please send the form.

Yours, R. Mills (Treasurer, Winchcombe Community Trust)""")

msg("br-06", "email", """Hi, we run a small hair salon at [[address|66 St Paul's Road]] [[postcode|GL50 4ES]] and got a letter about a rates account [[business_rates_ref|60901887]]. We think the rateable value of [[money|£9,800]] is too high compared to the shop next door. How do we challenge it? Thanks, Jade""")

msg("br-07", "email", """Good morning. Please find our payment remittance for business rates: account [[business_rates_ref|60333120]], amount [[money|£1,120.00]], paid by BACS on [[date|2 May 2025|2025-05-02]]. Many thanks, Finance, Cotswold Outdoor Supplies Ltd.""", received="2025-05-02")

msg("br-08", "email", """To Business Rates,
We're a registered charity (no. 1098765) occupying [[address|Unit 9, 40 Hatherley Lane]], Cheltenham [[postcode|GL51 6SH]]. Please apply charitable relief to our rates account [[business_rates_ref|60650090]] from [[date|1st April|2025-04-01]]. Contact me on [[phone|01242 693 001]] or [[email|treasurer@cheltfoodbank.org]].
Margaret""")

# ---------------------------------------------------------------- highways and social media
msg("fb-01", "facebook", """There is a massive pothole outside [[address|23 wharf road|23 Wharf Road]] [[postcode|gl50 1aa]], nearly came off my bike this morning!! Someone is going to get hurt 😡 pic attached""")

msg("fb-02", "facebook", """Hi, reporting a pothole on Wharf Road near the junction with Mill Lane. It's about a foot wide and deep. Been there 3 weeks. Photo attached""")

msg("fb-03", "facebook", """@DemoshireCouncil the pavement outside [[address|14 Castle Street]] is completely broken up, my mum nearly tripped with her walker. Can you send someone please""")

msg("fb-04", "facebook", """Street light out on Cirencester Road since Friday, the one opposite [[address|102 Cirencester Road]] [[postcode|GL53 8DA]]. Really dark walking home. Thanks""")

msg("x-01", "x", """@DemoshireBC yet another pothole on the A40 by the Benhall roundabout. When are you going to fix these roads?? 3 tyres this year""")

msg("fb-05", "facebook", """Fly tipping again in the lane behind [[address|45-47 Hewlett Road|45-47 Hewlett Road]] [[postcode|GL52 6AJ]]. Mattresses, bags of rubbish and an old fridge. Been there since Tuesday [[date|22nd April|2025-04-22]].""")

msg("fb-06", "facebook", """Hello, there's a drain blocked outside number [[address|8 Kipling Road]] and the road floods every time it rains. Water comes right up to the doors. My number is [[phone|07700 900 132]] if you need access""")

msg("fb-07", "facebook", """Can someone look at the tree on the green at Hesters Way? A big branch has come down across the footpath near [[address|1 Edinburgh Place]] [[postcode|GL51 7EA]] after the storm""")

msg("fb-08", "facebook", """pot hole outside [[address|3 barnwood rd|3 Barnwood Rd]] is getting worse every day, a car burst a tyre in it last nite""")

msg("fb-09", "facebook", """Just reported this on FixMyStreet but nothing has happened. Huge pothole Wharf Road, right outside the garage at [[address|61 Wharf Road]]. FMS report 5432198.""")

msg("x-02", "x", """@DemoshireBC the traffic lights at the junction of Gloucester Road and Tewkesbury Road have been stuck on red for an hour. Queues back to the station""")

msg("fb-10", "facebook", """Broken bollard and glass all over the pavement on [[address|2-4 Montpellier Walk|2-4 Montpellier Walk]] [[postcode|GL50 1SD]]. Kids walk this way to school. Please clear asap""")

msg("fb-11", "facebook", """Who do I report abandoned cars to? A silver Ford Focus reg [[vehicle_reg|KX12 FGH]] has been parked outside [[address|19 Oakley Road]] [[postcode|GL52 6NZ]] for 6 weeks with flat tyres""")

msg("fb-12", "facebook", """Manhole cover loose on Princess Elizabeth Way outside [[address|210 Princess Elizabeth Way]]. Clunks every time a car goes over it. Dangerous for cyclists""")

msg("fb-13", "facebook", """hiya theres a pothole at the bottom of [[address|17 croft street|17 Croft Street]] nearly the size of a dustbin lid lol. postcode is [[postcode|GL53 0HA]] xx""")

msg("x-03", "x", """Gritters haven't been down Leckhampton Hill at all this morning and it's like an ice rink. Buses can't get up. @DemoshireBC""")

msg("fb-14", "facebook", """Road sign knocked down at the corner of Hales Road and London Road. Been lying in the road since Sunday [[date|27th April|2025-04-27]].""")

msg("fb-15", "facebook", """Hi there, I'd like to report graffiti on the wall of the underpass near [[address|5 Arle Avenue]], [[postcode|GL51 8HR]]. Some of it is offensive. Thanks, Sam""")

msg("fb-16", "facebook", """Another pothole on Wharf Road!! This one is outside [[address|29 Wharf Road]] and my neighbour reported the one at [[address|33 Wharf Road]] last week [[case_ref|HRD-004512]]. Same problem, same street.""")

msg("fb-17", "facebook", """The dropped kerb outside [[address|Flat 1, 52 Tennyson Road]] has been dug up and left with barriers for a fortnight. Nobody working on it. I'm a wheelchair user and can't get out. Ring me [[phone|01242 517 201]]""")

msg("x-04", "x", """@DemoshireBC potholes on Hatherley Lane: one at the bus stop, one outside the Co-op. Reported in March, case [[case_ref|HRD-003987]], still nothing""")

# ---------------------------------------------------------------- registrar
msg("reg-01", "phone", """Caller wants a replacement [[certificate_type|birth certificate|birth]] for her son, [[person_name|Oliver James Walker]], born [[date+event_date|12th May 2019|2019-05-12]] in Cheltenham. Mother's name [[person_name|Sophie Walker]]. Wants full certificate posted to [[address|3 Alma Road]], [[postcode|GL51 3AW]]. Will send payment link to [[phone|07700 900 188]].""")

msg("reg-02", "email", """Dear Registrar,

I would like to order a copy of my [[certificate_type|marriage certificate|marriage]]. We married at Cheltenham Register Office on [[date+event_date|14/06/1980|1980-06-14]]. My name then was [[person_name|Margaret Ellen Price]] and my husband is [[person_name|Robert Arthur Dale]].

Please post it to [[address|7 Keynsham Bank]], Cheltenham [[postcode|GL52 6ER]].

Many thanks
Margaret Dale
[[phone|01242 580 441]]""")

msg("reg-03", "email", """Hello, I need two copies of the [[certificate_type|death certificate|death]] for my late father, [[person_name|Dennis Albert Hughes]], who died on [[date+event_date|3rd March 2025|2025-03-03]] at Cheltenham General Hospital. The death was registered on [[date|10 March 2025|2025-03-10]]. I need them for the bank and the pension. Please call me on [[phone|07700 900 671]]. Karen Hughes""")

msg("reg-04", "web_form", """Form: Order a certificate
Certificate type: [[certificate_type|Birth certificate|birth]]
Full name on certificate: [[person_name|Amelia Rose Thompson]]
Date of birth: [[date+event_date|21/08/2002|2002-08-21]]
Place of birth: Cheltenham
Father's name: [[person_name|Gareth Thompson]]
Mother's maiden name: [[person_name|Louise Anne Carter]]
Delivery address: [[address|16 Bournside Road]], Cheltenham [[postcode|GL53 0BN]]
Email: [[email|amelia.thompson02@icloud.com]]
Number of copies: 1""")

msg("reg-05", "email", """Hi. I need a copy of our [[certificate_type|civil partnership certificate|civil_partnership]] for a visa application. The partnership was between [[person_name|Daniel Evans]] and [[person_name|Marcus Lee]] and was formed on [[date+event_date|9 October 2015|2015-10-09]] at Pittville Pump Room. How much is it and how long will it take? Thanks, Dan ([[phone|07700 900 455]])""")

msg("reg-06", "phone", """Call from Mr Ahmed re [[certificate_type|death certificate|death]] for his mother [[person_name|Fatima Begum Ahmed]] who passed away [[date+event_date|19/04/2025|2025-04-19]]. Needs 3 copies. Payment to be taken via pay link – sent to [[email|s.ahmed77@gmail.com]]. Caller started reading out his card number, stopped him and explained we can't take it on the phone.""")

msg("reg-07", "email", """Good afternoon
Could I please have a replacement [[certificate_type|birth certificate|birth]]? I lost mine when moving house.
Name: [[person_name|Jamie Lee Morgan]]
Born: [[date+event_date|4 July 1995|1995-07-04]], Cheltenham
Parents: [[person_name|Stephen Morgan]] and [[person_name|Tracey Morgan]]
Address for delivery: [[address|Flat 5, 88 Fairview Road]], Cheltenham [[postcode|GL52 2EX]]
Thank you""")

msg("reg-08", "email", """Dear Sir or Madam, my grandmother [[person_name|Edith May Collins]] married my grandfather [[person_name|Walter Collins]] in Cheltenham in June 1948. Would you have a record of the marriage and can I get a [[certificate_type|marriage certificate|marriage]]? I'm researching family history. Regards, Paul Collins""")

msg("reg-09", "sms", """Hi can i get a copy of my daughters [[certificate_type|birth cert|birth]] please, she is [[person_name|Lily Grace Bennett]] born [[date+event_date|02/02/2021|2021-02-02]]. thanks""")

msg("reg-10", "email", """Hello, I'm a solicitor dealing with the estate of [[person_name|Harold James Pike]] (died [[date+event_date|26 February 2025|2025-02-26]]). Could we order 4 certified copies of the [[certificate_type|death certificate|death]]? Our reference is HP/EST/2025/03. Please invoice us at [[address|12 Royal Crescent]], Cheltenham [[postcode|GL50 3DA]]. Regards, Fiona Grant, Grant & Webb LLP, [[phone|01242 222 000]]""")

msg("reg-11", "phone", """Caller asked about booking a marriage ceremony for Saturday [[date|13th September 2025|2025-09-13]] at the Town Hall. Gave her the notice of marriage booking line [[phone|0300 300 1234]]. No certificate needed.""")

msg("reg-12", "email", """Dear Registrar,
I need an extra copy of the [[certificate_type|birth certificate|birth]] for my twins, [[person_name|Noah Patel]] and [[person_name|Isla Patel]], born [[date+event_date|30/01/2024|2024-01-30]]. Please post to [[address|41 Libertus Road]], [[postcode|GL51 7EJ]].
Thank you, Anjali Patel""")

msg("reg-13", "email", """Hi, I'm trying to get a copy of my [[certificate_type|marriage certificate|marriage]]. I married [[person_name|Craig Allen]] on [[date+event_date|22 August 2009|2009-08-22]] at St Mary's, Prestbury. Is that something you hold or the church? Lisa Allen""")

msg("reg-14", "web_form", """Form: Certificate order
Type: [[certificate_type|Death certificate|death]]
Deceased: [[person_name|Gordon Keith Ellis]]
Date of death: [[date+event_date|11/04/2025|2025-04-11]]
Your relationship: Son
Copies: 2
Your email: [[email|m.ellis@btinternet.com]]
Your phone: [[phone|07700 900 232]]""")

msg("reg-15", "email", """My [[certificate_type|birth certificate|birth]] has my name spelt wrong: it says Katherine but I'm Kathryn. Born [[date+event_date|17th March 1988|1988-03-17]] in Cheltenham. How do I get it corrected? Kathryn Doyle, [[address|2 Pilley Lane]], [[postcode|GL53 9ER]]""")

# ---------------------------------------------------------------- parking
msg("pk-01", "email", """Dear Parking Services,

I want to appeal PCN CL12345678 issued on [[date|14/04/2025|2025-04-14]] to my car, [[vehicle_reg|AB12 CDE]], in Regent Street. I was loading, which is allowed there, and the pay and display machine was broken. Photos attached.

Regards
Hannah Price
[[address|10 Vittoria Walk]], [[postcode|GL50 1TW]]""")

msg("pk-02", "email", """Hi, I received a parking fine for vehicle [[vehicle_reg|WX68 LMN]] on [[date|3rd April|2025-04-03]] but I was at work in Bristol that day. Can you send me the photos? Thanks, Ravi""")

msg("pk-03", "email", """I've paid my PCN but now got a charge certificate for [[money|£105]]. I paid [[money|£35]] on [[date|21 March 2025|2025-03-21]], within the 14 days. Vehicle reg [[vehicle_reg|GF19 XYZ]]. Please cancel the charge certificate.""")

msg("pk-04", "web_form", """Form: Residents parking permit
Name: Lucy Adams
Address: [[address|31 Suffolk Road]], Cheltenham [[postcode|GL50 2AF]]
Vehicle registration: [[vehicle_reg|LR21 KJU]]
Second vehicle: [[vehicle_reg|P123 ABC]]
Email: [[email|lucyadams@hotmail.co.uk]]
Phone: [[phone|07700 900 903]]""")

msg("pk-05", "phone", """Caller says traffic warden ticketed his van [[vehicle_reg|YF70 BPO]] while he was unloading on Winchcombe Street at 10:30 on [[date|28/04/2025|2025-04-28]]. Advised to appeal online with the PCN number. Mobile [[phone|07700 900 560]].""")

msg("pk-06", "email", """My blue badge has expired on [[date|30 April 2025|2025-04-30]] and I applied for a new one a month ago. Can I still park in disabled bays with my old badge while I wait? My car is [[vehicle_reg|DK63 HTR]]. Thank you, Mrs Iris Brown""")

msg("pk-07", "email", """Hi there

Someone has been parking a white van reg [[vehicle_reg|SN15 AKP]] across my driveway at [[address|9 Naunton Lane]], [[postcode|GL53 7BJ]] every night this week. I can't get my car out in the morning. What can you do?

Thanks
Greg""")

msg("pk-08", "email", """I'd like to buy a visitor parking permit book. My resident permit number is RP-20931 and my car reg is [[vehicle_reg|ND08 UXR]]. How much does it cost? I live at [[address|15 Oriel Road]], [[postcode|GL50 1XP]].""")

msg("pk-09", "email", """Appeal against PCN GL40091234. My car [[vehicle_reg|AO66 HWM]] was parked in Pittville Street car park with a valid ticket which I displayed. Ticket attached, paid [[money|£4.20]] at 14:05. Please cancel. Nadia Rahman""")

msg("pk-10", "sms", """hi my car [[vehicle_reg|bv14 ltz|BV14 LTZ]] was towed from bath road, where do i collect it from? thanks""")

msg("pk-11", "email", """Good morning, our company car fleet includes [[vehicle_reg|MA71 RTE]], [[vehicle_reg|MA71 RTF]] and [[vehicle_reg|MA71 RTG]]. Please add them to our business parking permit for [[address|20 Lansdown Road]], [[postcode|GL50 2JA]]. Invoice to [[email|fleet@lansdown-solicitors.co.uk]]. Kind regards, Office Manager""")

msg("pk-12", "email", """I was issued a penalty charge on [[date|March 4th|2025-03-04]] for parking my old car [[vehicle_reg|L456 KDT]] in the taxi rank. It's a classic car and doesn't have a valid reg number on your system apparently. I would like to pay it; the amount is [[money|£70]]. Derek""")

# ---------------------------------------------------------------- ICT service desk
msg("ict-01", "service_desk", """Hi Service Desk, my laptop won't connect to the WiFi in the Municipal Offices since this morning's update. Asset tag CBC-LT-04521. I'm on extension 4471 or mobile [[phone|07700 900 316]]. Thanks, Jo (Revenues)""")

msg("ict-02", "service_desk", """RevsPro keeps crashing when I try to open council tax accounts since the 4.2 update. Error code 0x80004005. Happened on account [[council_tax_ref|50012399]] and others. Can someone look urgently, we have a queue of callers. Ext 2210. Dave, Customer Services""")

msg("ict-03", "service_desk", """New starter: Amira Haddad, starts Monday [[date|12 May 2025|2025-05-12]] in Housing. Needs laptop, phone, email and access to the housing system. Line manager: Steve Cole ([[email|steve.cole@demoshire.gov.uk]]).""")

msg("ict-04", "service_desk", """The public WiFi at Castle Street Library is down again. Customers can't get online to do their UC journals. Third time this month. Please call the library on [[phone|01242 532 688]].""")

msg("ict-05", "service_desk", """Printer on the 2nd floor (PRN-2F-03) is jamming constantly. Tried clearing it. Our team need it for the council tax bills run on [[date|15/05/2025|2025-05-15]]. Thanks, Revenues""")

msg("ict-06", "service_desk", """I've been locked out of my account after changing my password. Username jsmith2. Please can you reset it. I'm on [[phone|01242 264 318]]. Thanks, Julie Smith, Planning""")

msg("ict-07", "service_desk", """Request: please install QGIS 3.34 on PC-HW-0192 for the Highways team. Approved by Mark Ellis. Budget code 4410-22. Due by [[date|23rd May|2025-05-23]].""")

msg("ict-08", "service_desk", """Mobile phone screen cracked - Samsung A54, IMEI 356938035643809. Council number [[phone|07700 900 870]]. Can I get a replacement? Cost centre HS210. Ta, Pete (Street Cleansing)""")

msg("ict-09", "service_desk", """Since the RevsPro 4.2 update yesterday I can't print council tax bills, it just hangs. Ticket raised by phone earlier, ref [[case_ref|HRD-008812]]. Still not working. Please help, ext 2231.""")

msg("ict-10", "service_desk", """The MOT day for Regeneration and Economic Development is on Thursday [[date|5th June|2025-06-05]]. Could ICT send someone to the [[address|1 Promenade]] office for a walkthrough beforehand? Contact me on [[email|ruth.baker@demoshire.gov.uk]] or [[phone|01242 264 123]].""")

msg("ict-11", "service_desk", """VPN not connecting from home. Error 809. Laptop CBC-LT-03312. Tried restarting twice. Working from home today, mobile [[phone|+44 7700 900 402]].""")

msg("ict-12", "service_desk", """Please set up a shared mailbox for the new Cost of Living team: [[email|costofliving@demoshire.gov.uk]]. Members: Anna Kerr, Tom Blythe, Sunita Rao. Thanks""")

msg("ict-13", "service_desk", """Teams keeps freezing on calls. Started after the update on [[date|28/04/2025|2025-04-28]]. Version 24124.2315.3214.4744. Laptop CBC-LT-01877.""")

msg("ict-14", "service_desk", """Hi, can I get the Planning portal added to my bookmarks on the thin client, the URL is https://planning.demoshire.gov.uk/online-applications/ - also can't log in with password reset link https://id.demoshire.gov.uk/reset?token=AB12CDE45 thanks""")

# ---------------------------------------------------------------- card numbers in any text
msg("card-01", "phone", """Call note: customer wanted to pay council tax arrears of [[money|£254.00]] on account [[council_tax_ref|50876543]] and read out her card number {{card|4929 1234 5678 901?}} exp {{exp|09/27}} before I could stop her. Sent pay link by SMS to [[phone|07700 900 121]].""")

msg("card-02", "email", """Hi, please take the [[money|£48]] for the garden waste bin from my card: {{card|5555-5555-5555-4444}}, expiry {{exp|11/26}}, security code {{cvv|737}}. Address [[address|4 Hillcourt Road]], [[postcode|GL52 3JJ]]. Thanks, Ann""")

msg("card-03", "facebook", """can i pay my parking fine with card on here? number is {{card|4111111111111111}} thanks""")

msg("card-04", "web_form", """Form: General enquiry
Name: Martin Cole
Message: I want to pay for the bulky waste collection, my card number is {{card|3782 822463 10005}} and the cvv is {{cvv|4321}}. Collection from [[address|12 Beaufort Road]], [[postcode|GL52 5EZ]] please.""")

msg("card-05", "phone", """Customer rang to pay [[money|£35]] PCN. Read card out: {{card|4000 0566 5566 5556}}, {{exp|03/28}}, {{cvv|123}}. Not entered. Transferred to automated payment line.""")

msg("card-06", "email", """To the council, I tried to pay online but it wouldn't work. Here are my details to take the payment of [[money|£120.50]]: Visa debit {{card|4462 0300 0000 000?}} valid to {{exp|12/2026}}. Account [[council_tax_ref|50333120]]. Mr K Lewis""")

msg("card-07", "email", """Please refund my overpayment of [[money|£67.20]] to the card I paid with, ending 4444. The full number is {{card|5105 1051 0510 5100}}. Account [[council_tax_ref|50123456]].""")

msg("card-08", "sms", """pls charge my card {{card|6011 1111 1111 1117}} for the bin [[money|£25]] thx""")

msg("card-09", "phone", """Caller paying for replacement [[certificate_type|birth certificate|birth]]. Gave card {{card|4917 6100 0000 000?}} exp {{exp|0426}} cvc {{cvv|842}} — stopped caller, explained PCI, sent GOV.UK Pay link to [[email|t.nguyen@outlook.com]].""")

msg("card-10", "email", """hello my card is {{card|4506 9400 0000 000?}}
expiry {{exp|07/29}}
cvv {{cvv|555}}
please pay my council tax [[money|£142]] for april""")

msg("card-11", "web_form", """Form: Report a missed bin
Address: [[address|22 Kipling Road]], [[postcode|GL51 7DJ]]
Details: grey bin missed again. Also I'd like to pay for a new recycling box, card {{card|4242 4242 4242 4242}} exp {{exp|10/27}}.""")

msg("card-12", "email", """Dear Sir, regarding business rates account [[business_rates_ref|60120077]], please take [[money|£1,500.00]] from the company card {{card|5425 2334 3010 9903}} exp {{exp|04/27}} CVV {{cvv|001}}. Regards, J. Taylor, Taylor Engineering""")

msg("card-13", "facebook", """I keep trying to pay my council tax but your website keeps failing. Card {{card|4658 5840 9000 000?}}, please just take it. Account [[council_tax_ref|50300777]]""")

msg("card-14", "phone", """Customer read out Maestro {{card|6759 6498 2643 8453 04?}} (19 digits) while I was logging the call about [[address|8 Keynsham Street]], stopped her. Pay link sent to [[phone|07700 900 233]].""")

msg("card-15", "email", """My card details: {{card|3714-496353-98431}} exp {{exp|05/26}}, Amex. Please use for the [[money|£88]] licence fee. Thanks, Mrs Dunn""")

msg("card-16", "email", """Hi, the security code on the back of my card is {{cvv|392}}, you asked for it on the phone earlier. The card number I gave the agent was {{card|4539 1488 0343 6467}}. Regards""")

msg("card-17", "web_form", """Form: Pay a fine
Vehicle: [[vehicle_reg|FG18 RTY]]
PCN: CL99887766
Card number: {{card|2223 0031 2200 3222}}
Expiry: {{exp|08/28}}
Security code: {{cvv|210}}""")

msg("card-18", "email", """Paying for my daughter's [[certificate_type|birth certificate|birth]] ([[person_name|Ruby Ann Shaw]], born [[date+event_date|5 June 2018|2018-06-05]]). Card {{card|4000 0000 0000 0002}}, exp {{exp|01/27}}, code {{cvv|999}}. Send it to [[address|3 Chelt Walk]], [[postcode|GL51 9HH]]""")

msg("card-19", "phone", """Caller Mr Owusu paying [[money|£75.00]] council tax, account [[council_tax_ref|50887766]]. Card read out as {{card|5200 8282 8282 8210}}. Explained we cannot take card details by phone. Pay link to [[phone|07700 900 345]].""")

msg("card-20", "email", """Pls take [[money|£30]] from {{card|4111 1111 1111 1111}} for the garden waste, thanks. Tel [[phone|01242 238 199]] if any problems.""")

# ---------------------------------------------------------------- waste, housing, complaints, misc
msg("ws-01", "email", """Our grey bin wasn't collected on Tuesday [[date|29th April|2025-04-29]]. [[address|18 Milton Road]], [[postcode|GL51 7EY]]. This is the third time this year. Can it be collected please?""")

msg("ws-02", "web_form", """Form: Garden waste subscription
Name: Hugh Jenkins
Address: [[address|74 Tennyson Road]], Cheltenham [[postcode|GL51 7DR]]
UPRN: [[uprn|100120465378]]
Number of bins: 2
Payment: online, [[money|£96.00]]""")

msg("ws-03", "email", """Hi I'd like to book a bulky waste collection for a sofa and two mattresses from [[address|Flat 2, 6 Bayshill Road]], [[postcode|GL50 3AW]]. Any day after [[date|12th May|2025-05-12]]. Phone [[phone|07700 900 874]].""")

msg("ws-04", "email", """I have not received my new recycling bags. UPRN [[uprn|100120987654]]. Please deliver to [[address|27 Brooklyn Road]], [[postcode|GL51 8DZ]].""")

msg("ws-05", "email", """Assisted collection request for my father, aged 91, at [[address|5 Old Bath Road]], [[postcode|GL53 7QE]]. He can't get the bin to the kerb. Contact me, his daughter, on [[phone|07700 900 990]] or [[email|carol.rees@gmail.com]].""")

msg("ho-01", "email", """Dear Housing Options,

I am being evicted from [[address|Flat 4, 15 Lypiatt Road]], [[postcode|GL50 2QW]]. I got a section 21 notice dated [[date|14 February 2025|2025-02-14]] and the landlord wants me out by [[date|14 April 2025|2025-04-14]]. I have two children. My rent is [[money|£875]] a month. Please help.

Natalie Ford
[[phone|07700 900 112]]""")

msg("ho-02", "email", """Repair request for council property [[address|33 Whaddon Avenue]], [[postcode|GL52 5NH]]: damp and black mould in the back bedroom, reported [[date|20/01/2025|2025-01-20]] and still not fixed. Tenancy ref TR-44821. Contact [[phone|01242 525 773]].""")

msg("ho-03", "email", """Hello, I'm on the housing register (application number HR/2023/01456) and my circumstances have changed: I'm now pregnant, due [[date|18 September 2025|2025-09-18]]. Current address [[address|11 Clyde Crescent]], [[postcode|GL52 5QH]]. Thanks, Stacey""")

msg("cp-01", "email", """Formal complaint

I want to make a formal complaint about how my council tax account ([[council_tax_ref|50234567]]) has been handled. I have phoned four times since [[date|January 6th|2025-01-06]] and been promised a call back each time. I've now been charged [[money|£70]] costs for a summons that should never have been issued. My case reference is [[case_ref|HRD-007731]].

Anthony Burke
[[address|90 Hewlett Road]], Cheltenham [[postcode|GL52 6AR]]
[[phone|07700 900 811]]""")

msg("cp-02", "email", """Re: [[case_ref|HRD-001234]] – Stage 2 complaint

I am not satisfied with the stage 1 response dated [[date|2 April 2025|2025-04-02]] and want my complaint escalated. The library WiFi at Castle Street has been broken for months and nobody takes it seriously.

Regards
Linda Marsh""")

msg("cp-03", "email", """Second complaint about the WiFi at Castle Street Library this quarter. Couldn't print my boarding pass on [[date|19/04/2025|2025-04-19]]. Staff said it's been reported. Reference given was [[case_ref|HRD 004788|HRD-004788]].""")

msg("cp-04", "email", """Hi, chasing my case [[case_ref|hrd-5561|HRD-005561]]. You said someone would call within 5 working days. It's been 3 weeks. Tel [[phone|01242 691 220]].""")

msg("mx-01", "email", """Dzień dobry, I need help with council tax. Mieszkam pod adresem [[address|12 Moorend Road]], [[postcode|GL53 0EY]]. Council tax account [[council_tax_ref|50443322]]. Proszę o kontakt: [[phone|07700 900 445]]. Dziękuję, Piotr""")

msg("mx-02", "email", """Bonjour, je voudrais un [[certificate_type|birth certificate|birth]] pour ma fille [[person_name|Chloé Martin]], née le 3 mars 2020. Merci. Contact: [[email|isabelle.martin@orange.fr]], [[phone|+33 6 12 34 56 78]]""")

msg("mx-03", "email", """Assalamu alaikum. My mother needs help with her housing benefit form. She does not read English well. Her claim number is [[hb_claim_ref|2019834]]. Address [[address|7 Hudson Street]], [[postcode|GL50 4JP]]. Please call me, her son, on [[phone|07700 900 516]]. شكرا""")

msg("mx-04", "facebook", """😡😡😡 3rd time my bins not emptied!!!! [[address|41 kingsmead road|41 Kingsmead Road]] 🤬 sort it out #binfail""")

msg("gen-01", "email", """Hi, what are the opening times of the Municipal Offices on bank holiday Monday [[date|26 May|2025-05-26]]? I need to drop off some documents. Thanks""")

msg("gen-02", "email", """Dear Sir, please find enclosed a cheque for [[money|£250]] towards my council tax arrears, account number [[council_tax_ref|50112233]]. I will pay [[money|£50]] a month from [[date|1 June 2025|2025-06-01]] if that's acceptable. Mr Ian Doyle, [[address|3 Gardners Lane]], [[postcode|GL51 9JF]].""")

msg("gen-03", "email", """Hello, I'd like to know if I'm entitled to a council tax discount as a carer. I care for my brother at [[address|20 Ryeworth Road]], [[postcode|GL52 6LS]], 35 hours a week. Account [[council_tax_ref|50667788]]. Regards, Simon""")

msg("gen-04", "email", """Can you confirm the UPRN for my property please? It's [[address|4 Cudnall Street]], Charlton Kings [[postcode|GL53 8HT]]. I need it for my solar panel application.""")

msg("gen-05", "email", """I'm applying for a licence for a street party on Saturday [[date|7th June|2025-06-07]] on Tivoli Street. Road closure needed from 12pm to 6pm. Contact [[email|tivolistreetparty@gmail.com]]. Thanks, Emma""")

msg("gen-06", "email", """Please send me a copy of my council tax bill for 2024/25. Account [[council_tax_ref|5000123456]]. I need it as proof of address for the bank. Email it to [[email|R.Singh@Gmail.com]]. Ta""")

msg("gen-07", "email", """The council owes me a refund of [[money|£23.50]] from my old address, [[address|9 Selkirk Close]], [[postcode|GL52 5LS]]. Account was [[council_tax_ref|50778899]]. Please send to my bank, sort code and account number below.
Sort code: 20-45-77
Account: 73041155
Thanks, Ruth""")

msg("gen-08", "email", """Hi, my mum is moving into a care home on [[date|19th May|2025-05-19]]. Her house [[address|12 Lyefield Road West]] will be empty. I have lasting power of attorney. What happens with her council tax (account [[council_tax_ref|50201991]])? Thanks, Sharon ([[phone|07700 900 665]])""")

msg("gen-09", "email", """My council tax direct debit has been taken twice this month: [[money|£162.00]] on [[date|1 April|2025-04-01]] and again on [[date|2 April|2025-04-02]]. Account [[council_tax_ref|50124578]]. Please refund the extra payment.""")

msg("gen-10", "email", """Hi, I need to report a change of name after getting married. Old name Hannah Clarke, new name Hannah Rowe. Council tax account [[council_tax_ref|50330022]], [[address|6 Marsh Lane]], [[postcode|GL51 9DL]]. [[certificate_type|Marriage certificate|marriage]] attached.""")

msg("gen-11", "email", """Hello, I've just moved into [[address|Flat 9, 2 Lansdown Crescent]], [[postcode|GL50 2JY]] on [[date|25/04/2025|2025-04-25]]. I'm a student at the university. Do I need to pay council tax? My student ID is 2319876. [[email|b.osei@connect.glos.ac.uk]]""")

msg("gen-12", "email", """Dear Sirs, I would like to apply for a dropped kerb outside my house, [[address|55 Hatherley Road]], [[postcode|GL51 6EE]]. How much does it cost? I believe it's about [[money|£1,500]]. Regards, Mr Brian Hill""")

msg("gen-13", "email", """Hi, I keep getting letters for the previous occupier of [[address|14 Oak Avenue]], [[postcode|GL52 6JF]], Mr T Simmonds. He left last year. Council tax ref on letters is [[council_tax_ref|50099887]]. Please update your records. Kind regards, occupier""")

msg("gen-14", "email", """Please can you tell me when the next council meeting about the Wharf Road development is? I live at [[address|2 Wharf Road]]. Thanks, Bill""")

msg("gen-15", "email", """Test and trace support payment query: I was told I could get [[money|£500]]. My NI number is [[nino|JK 23 45 67 B]]. Phone [[phone|07700 900 724]]. Address [[address|80 Brooklyn Road]], [[postcode|GL51 8DX]].""")

msg("gen-16", "email", """Hiya, just to let you know I have paid [[money|£45.99]] for the garden waste renewal today. Reference on my bank statement is CBC GW 77120. UPRN [[uprn|100120339911]]. Thanks!""")

msg("gen-17", "email", """Hello, I'm applying for a taxi driver licence. My DVLA licence number is SMITH801234JA9XY, NI [[nino|SZ 11 22 33 D]]. I have an appointment on [[date|14/05/2025|2025-05-14]]. Contact [[phone|07700 900 808]].""")

msg("gen-18", "email", """I run a market stall and need to renew my street trading consent. Previous consent ST-2024-0112 expired [[date|31/03/2025|2025-03-31]]. The fee was [[money|£320]] last year. My van is [[vehicle_reg|VN67 WXR]].""")

msg("gen-19", "email", """Hi, what's the status of my planning application 25/00412/FUL for [[address|17 Albert Road]], [[postcode|GL52 2QX]]? Submitted [[date|10 February|2025-02-10]]. Thanks, Jim""")

msg("gen-20", "email", """Please could you tell me which bin goes out this week at [[address|23 Whaddon Road]]? The app says green but my neighbour put out grey. UPRN [[uprn|100120441023]]. Cheers""")

# ---------------------------------------------------------------- hard negatives and look-alikes
msg("neg-01", "email", """Re: [[case_ref|HRD-000123]]

Thanks for your reply. Following up on [[case_ref|HRD-000123]] and the linked case [[case_ref|HRD-000987]]. My phone number is [[phone|01242 123456]]. Still no word from Highways.""")

msg("neg-02", "email", """Our internal order number is <<nl|4111 1111 1111 1112>> and the supplier invoice is INV-2025-0412. This is nothing to do with payment cards.""")

msg("neg-03", "email", """UPRNs for the three properties: [[uprn|100120123456]], [[uprn|100120123457]] and [[uprn|100120123458]]. Council tax accounts [[council_tax_ref|50012346]], [[council_tax_ref|50012347]] and [[council_tax_ref|50012348]].""")

msg("neg-04", "phone", """Caller gave two numbers: [[phone|07700 900 123]] and [[phone|01632 960 001]]. Also her landline [[phone|(01242) 262626]]. Wants a call back about her council tax account [[council_tax_ref|5001234567]].""")

msg("neg-05", "email", """Barcode on the bill is <<nl|9826 0033 1124 7781>> — is that my account number? The bill says account [[council_tax_ref|50335566]]. Regards""")

msg("neg-06", "email", """Please note our bank details have changed. Sort code 40-11-62, account number 81234567, reference LETTINGS-0425. Payments from [[date|1 May 2025|2025-05-01]] should go to the new account.""")

msg("neg-07", "email", """We're expecting 2025 2026 2027 budgets to be tight. Version 4.2.10 of RevsPro was installed at 10.30 on Monday. The IP is 10.12.4.200.""")

msg("neg-08", "email", """The COVID-19 grant scheme ended in 2022. Our company number is 08123456 and VAT number GB 123 4567 89.""")

msg("neg-09", "email", """Please quote reference [[case_ref|HRD-000042]] on all correspondence. Our telephone number is [[phone|0300 123 4567]] and we are open 9 to 5.""")

msg("neg-10", "phone", """Caller asked about account 1234 5678 — told her council tax accounts are 8 digits, it's probably her bank account. No action.""")

msg("neg-11", "email", """Tracking number for the returned bins: <<nl|6700 1234 5678 9012 34>>. Courier ref ABC-99812.""")

msg("neg-12", "email", """Please call me on [[phone|+44 1242 555 019]] or [[phone|+44 (0)7700 900 654]]. Not available on Fridays.""")

msg("neg-13", "email", """I was told to quote my UPRN, it's [[uprn|10014422]] (short one apparently) and my council tax account [[council_tax_ref|50556677]].""")

msg("neg-14", "email", """There are 3 bins, 2 boxes and 1 food caddy at each of the 14 flats. Collections are every 2 weeks.""")

msg("neg-15", "email", """Invoice 20250412-0001 for [[money|£1,234.56]] is overdue by 30 days. Purchase order PO 4410 2231.""")

msg("neg-16", "email", """The meeting is on 2/3 floors of the building, rooms 1.01 to 1.12. Bring ID.""")

msg("neg-17", "email", """My son is 4 and my daughter 7. We've lived in the borough for 12 years. The rent is 650 a month.""")

msg("neg-18", "email", """Please, no more letters for Mr A Jones at this address. He hasn't lived here since 2019. Return to sender.""")

msg("neg-19", "email", """Reference numbers from the old system: CT/2019/004411, HB-OLD-33120, NNDR-A-221. Are these still valid?""")

msg("neg-20", "email", """Order ref {{card|5500 0000 0000 0004}} is the sample Mastercard number on our test page, please ignore it in the logs.""")
