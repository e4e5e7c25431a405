# The second batch: written after the first rules were settled and scored once as held-out
# (see README.md); the rules were then corrected against it, so it is development data now.
# Same mark-up as extraction_messages.py.

msg("t-ll-01", "email", """Dear Sirs,

Please be advised of the following tenancy changes at properties managed by Pittville Property Management:

a) [[address|Flat 3, 41 Albion Street]], Cheltenham [[postcode|GL52 2RN]]
   C/Tax a/c: [[council_tax_ref|50551234]]
   Outgoing: Mr Samuel Ortiz – [[date|15/08/2025|2025-08-15]]
   Incoming: Ms Freya Lind – [[date|22/08/2025|2025-08-22]]

b) [[address|16 Pittville Lawn]], Cheltenham [[postcode|GL52 2BE]]
   C/Tax a/c: [[council_tax_ref|50551299]]
   Outgoing: Ms Dana Cho – [[date|31/08/2025|2025-08-31]]
   Property now empty, undergoing works.

Regards,
Tom Fairley
Pittville Property Management Ltd
T: [[phone|01242 251 662]] | E: [[email|tom@pittvillepm.co.uk]]""", received="2025-09-15")

msg("t-ll-02", "email", """Hello
I'm letting my flat at [[address|Flat 12, 9 Royal Well Place]] [[postcode|GL50 3DN]] from [[date|1st October|2025-10-01]]. The tenants are two nurses. The council tax acc number is [[council_tax_ref|5004412390]] – please could you send a form for them to register? Thanks, Priyanka""", received="2025-09-15")

msg("t-ll-03", "email", """Hi, the tenant at [[address|7 Sydenham Villas Road]] ([[postcode|GL52 6DZ]]) has died. Her son has been in touch. Can you advise on council tax from the date of death, [[date|2 September|2025-09-02]]? The account is in her name, [[council_tax_ref|50390077]]. I'm the landlord. Tim Walsh [[phone|07700 900 301]]""", received="2025-09-15")

msg("t-ll-04", "email", """Council tax – change of liability

Property: [[address|28 Cobham Road]], Cheltenham, [[postcode|GL51 3BT]]
Landlord: Mr H. Baines
Previous tenant: Adele Ross, left [[date|19 Sept 2025|2025-09-19]]
New tenant: Brian & Lucy Ford, from [[date|26 Sept 2025|2025-09-26]]
Account ref: [[council_tax_ref|50667012]]

Sent by Hathaway Lettings, [[address|3 Rotunda Terrace]], [[postcode|GL50 1SW]]""", received="2025-09-30")

msg("t-ll-05", "email", """Good afternoon,

We manage [[address|Apartment 4, 2 Wellington Square]] and [[address|Apartment 6, 2 Wellington Square]] ([[postcode|GL50 4JU]]). Apt 4 account [[council_tax_ref|50818004]]: new tenant from [[date|5 October 2025|2025-10-05]]. Apt 6 account [[council_tax_ref|50818006]]: vacant from [[date|28 September 2025|2025-09-28]].

Kind regards
Wellington Square Management""", received="2025-10-06")

msg("t-ll-06", "email", """hi, I've moved out of [[address|22b Union Street|22B Union Street]] as of [[date|30/09/25|2025-09-30]], council tax number [[council_tax_ref|50231188]]. New address is with my parents at [[address|14 Brizen Lane]], [[postcode|GL53 0NG]]. Can I get the final bill emailed to [[email|callum.reid96@gmail.com]]? cheers""", received="2025-10-02")

msg("t-ll-07", "email", """Dear Revenues and Benefits,

I am writing on behalf of my landlord client regarding three student lets for the new academic year:

[[address|5 Victoria Place]], [[postcode|GL52 2PS]] — account [[council_tax_ref|50992105]] — 4 students from [[date|13/09/2025|2025-09-13]]
[[address|9 Victoria Place]], [[postcode|GL52 2PS]] — account [[council_tax_ref|50992109]] — 5 students from [[date|13/09/2025|2025-09-13]]
[[address|37 Hewlett Road]], [[postcode|GL52 6AE]] — account [[council_tax_ref|50992137]] — 3 students from [[date|20/09/2025|2025-09-20]]

Student certificates attached for all tenants; please apply the exemption.

Yours sincerely
Rachel Dunne, Lettings Negotiator
[[phone|01242 806 440]]""", received="2025-09-22")

msg("t-ll-08", "email", """Re council tax a/c [[council_tax_ref|50712264]] — I have bought the house next door, [[address|11 Painswick Road]], and am knocking the two together. Neither is habitable at the moment. The builder says completion around March 2026. What are my options?""", received="2025-10-10")

msg("t-ll-09", "email", """To council tax dept.
We've taken over management of [[address|Flat 1, 77 Bath Road]] [[postcode|GL53 7LH]] from Arden Estates. Tenant is Mr Kofi Mensah (since [[date|1 June 2024|2024-06-01]]). The account should be in his name, not the landlord's. Acct no [[council_tax_ref|50432210]].
Many thanks, Lettings Team, [[email|lettings@cotswoldkeys.co.uk]]""", received="2025-10-10")

msg("t-ll-10", "email", """Landlord notification – [[address|53 Leckhampton Road]] [[postcode|GL53 0BP]]. Tenant out [[date|10/10/2025|2025-10-10]]. Next tenant in [[date|24/10/2025|2025-10-24]]. I'll be responsible for the two weeks between. My own council tax account with you is [[council_tax_ref|50100772]], the property's is [[council_tax_ref|50100991]]. Thanks, Gwen Price""", received="2025-10-12")

msg("t-hb-01", "email", """Dear Housing Benefit,

My client Mr Kieran Doyle ([[nino|NR 72 19 40 C]]) has been sanctioned by the DWP and his UC has stopped. He lives at [[address|Flat 2, 18 St James Square]], [[postcode|GL50 3PU]] and his HB claim number is [[hb_claim_ref|2661043]]. Please treat this as a change of circumstances from [[date|8 September 2025|2025-09-08]].

Regards
Olivia, Housing Support Officer
[[phone|01242 774 450]]""", received="2025-09-15")

msg("t-hb-02", "email", """hi there, i need to tell you my partner has moved in with me from [[date|the 1st of september|2025-09-01]]. he earns about [[money|£1,600]] a month. my housing benefit ref is [[hb_claim_ref|1844217]]. thanks, chantelle""", received="2025-09-15")

msg("t-hb-03", "phone", """Call: Mr Patel (landlord) asking why HB for tenant at [[address|14 Marsland Road]] stopped. Claim ref [[hb_claim_ref|2099416]]. Explained we can't discuss without tenant consent. He'll get the tenant to call. Landlord tel [[phone|07700 900 414]].""", received="2025-09-15")

msg("t-hb-04", "email", """Dear Sir/Madam

I enclose my bank statements as requested for my claim for council tax reduction, ref [[hb_claim_ref|3012277]]. I have [[money|£5,210.44]] in savings. My NI no is [[nino|TA 34 56 12 D]].

Yours, Mrs Elsie Warren, [[address|3 Croft Gardens]], [[postcode|GL53 0LB]]""", received="2025-09-15")

msg("t-hb-05", "email", """Please cancel my housing benefit claim [[hb_claim_ref|HB1933051|1933051]] as I have moved to Bristol on [[date|12 September|2025-09-12]]. My new address: [[address|45 Gloucester Road]], Bristol [[postcode|BS7 8AD]].""", received="2025-09-15")

msg("t-hb-06", "email", """Hi I'm ringing about a letter about an overpayment of housing benefit, [[money|£3,118.20]], claim [[hb_claim_ref|2478823]]. I can't afford to pay this back in one go. Can I pay [[money|£20]] a week? Phone me on [[phone|07700 900 257]].""", received="2025-09-15")

msg("t-br-01", "email", """Dear Business Rates team,

We've opened a new branch at [[address|Unit 7, 12 Honeybourne Way]], Cheltenham [[postcode|GL50 3QW]]. Lease start [[date|1 September 2025|2025-09-01]]. Please set up a business rates account for Lumen Dental Ltd. Correspondence to [[email|finance@lumendental.co.uk]].

Kind regards
Accounts""", received="2025-09-15")

msg("t-br-02", "email", """Business rates account no. [[business_rates_ref|60442281]] — Apologies, our direct debit failed this month. Please re-present it or let me know how to pay the [[money|£514.00]] due. Thanks, Moss & Daughter Florists, [[address|4 Suffolk Parade]], [[postcode|GL50 2AB]]""", received="2025-09-15")

msg("t-br-03", "email", """Good morning, we are a small brewery at [[address|Unit 3, 5 Gloucester Road]], Tewkesbury [[postcode|GL20 5RX]]. NNDR ref [[business_rates_ref|60220917]]. We'd like to apply for small business rate relief as this is our only property and the RV is [[money|£8,900]]. Thanks, Hops & Co.""", received="2025-09-15")

msg("t-br-04", "email", """Hello, the shop at [[address|19 Cambray Place]] [[postcode|GL50 1JS]] (rates a/c [[business_rates_ref|60101019]]) is empty from [[date|20/09/2025|2025-09-20]]. The tenant surrendered the lease. Please bill the landlord, Cambray Estates Ltd, from that date. Regards, Leigh""", received="2025-09-22")

msg("t-fb-01", "facebook", """Why has nobody fixed the pothole at the bottom of Hewlett Road?? Reported it in July. It's right outside [[address|140 Hewlett Road]], next to the bus stop. My car's tracking is knackered now""", received="2025-09-15")

msg("t-fb-02", "facebook", """Hi, the street light outside [[address|27 Lyefield Road East]] [[postcode|GL53 8AZ]] has been flashing on and off for about a week. Thanks""", received="2025-09-15")

msg("t-fb-03", "facebook", """There's a dead deer in the road on Cleeve Hill, past the golf club. Dangerous on the bend.""", received="2025-09-15")

msg("t-fb-04", "facebook", """overflowing litter bins on the prom again, loads of seagulls ripping the bags open. outside [[address|1 the promenade|1 The Promenade]] basically""", received="2025-09-15")

msg("t-fb-05", "facebook", """Can you please send someone to clear the leaves blocking the gully outside [[address|8 Hambrook Street]], [[postcode|GL52 6LW]]? Every time it rains the road floods and water goes into our front garden.""", received="2025-10-20")

msg("t-fb-06", "facebook", """Car parked on the pavement on Moorend Park Road every day, reg [[vehicle_reg|RE18 KLO]], blocking pushchairs and wheelchairs. Outside number 56.""", received="2025-10-20")

msg("t-x-01", "x", """@DemoshireBC Huge sinkhole opening up on Bath Road outside [[address|212 Bath Road]]. Police have coned it off but needs urgent repair""", received="2025-10-20")

msg("t-x-02", "x", """Third time reporting this @DemoshireBC: pothole on Hatherley Rd by the school, ref [[case_ref|HRD-012077]]. Kids have to walk round it into the road""", received="2025-10-20")

msg("t-fb-07", "facebook", """Hi, I reported the broken paving slabs outside [[address|33 Gratton Road]] two weeks ago (your ref [[case_ref|HRD-011802]]). Still not done and an elderly neighbour fell yesterday. My number is [[phone|07700 900 389]].""", received="2025-10-20")

msg("t-fb-08", "facebook", """Dumped trolleys and a bike in the river by [[address|2 Sandford Mill Road]]. Been there since Friday 17th. Can they be removed?""", received="2025-10-20")

msg("t-reg-01", "phone", """Caller Mrs Janet Owen needs a copy of her [[certificate_type|marriage certificate|marriage]] – married [[person_name|Geoffrey Owen]] at Cheltenham Register Office on [[date+event_date|17 May 1975|1975-05-17]]. Maiden name [[person_name|Janet Susan Pryce]]. Sent payment link to [[email|janet.owen@sky.com]]. Post to [[address|42 Hillview Road]], [[postcode|GL52 3HD]].""", received="2025-09-15")

msg("t-reg-02", "email", """Hello,
I'd like to order a [[certificate_type|death certificate|death]] for my aunt, [[person_name|Beryl Ann Fisher]], who died at Sue Ryder Leckhampton Court on [[date+event_date|29th August 2025|2025-08-29]]. I am her executor. Two copies please. My address is [[address|6 Greenhills Road]], Charlton Kings [[postcode|GL53 9EB]].
Thank you
Graham Fisher""", received="2025-09-15")

msg("t-reg-03", "web_form", """Form: Order a certificate
Certificate: [[certificate_type|Birth certificate|birth]] (full)
Name at birth: [[person_name|Ethan Michael Shaw]]
Date of birth: [[date+event_date|06/03/2010|2010-03-06]]
Mother: [[person_name|Kerry Shaw]]
Father: [[person_name|Daniel Shaw]]
Reason: passport application
Deliver to: [[address|14 Welland Drive]], Cheltenham [[postcode|GL52 3EX]]
Phone: [[phone|07700 900 612]]""", received="2025-09-15")

msg("t-reg-04", "email", """Hi, can I order a copy of my [[certificate_type|civil partnership certificate|civil_partnership]] please? The partnership was registered in Cheltenham on [[date+event_date|12/12/2012|2012-12-12]] between me, [[person_name|Alison Carr]], and [[person_name|Helen Brooks]]. Thanks!""", received="2025-09-15")

msg("t-reg-05", "sms", """Hi I need a new [[certificate_type|birth cert|birth]] for my son [[person_name|Tyler Jack Hughes]], DOB [[date+event_date|19/07/2016|2016-07-19]], we've lost it. How much? Thx""", received="2025-09-15")

msg("t-reg-06", "email", """Good morning. We are dealing with the probate of the late [[person_name|Cyril Dennis Ward]], who passed away on [[date+event_date|4 September 2025|2025-09-04]]. Please supply five copies of the [[certificate_type|death certificate|death]]. Our invoice address: Ward & Partners, [[address|1 Imperial Square]], Cheltenham [[postcode|GL50 1QB]]. Tel [[phone|01242 517 744]].""", received="2025-09-15")

msg("t-reg-07", "email", """I need my parents' [[certificate_type|marriage certificate|marriage]] for a family tree project. They were [[person_name|Frank Holloway]] and [[person_name|Doris Jean Webb]], married at St Luke's Church on [[date+event_date|3rd April 1954|1954-04-03]]. Is that held by you? Pam Holloway""", received="2025-09-15")

msg("t-reg-08", "phone", """Caller wanted to register a death – [[person_name|Arthur Lewis]] died [[date+event_date|14 Sept 2025|2025-09-14]] at home. Booked registration appointment for [[date|18 Sept 2025|2025-09-18]] at 11:00. Will want 3 [[certificate_type|death certificates|death]] at the appointment.""", received="2025-09-15")

msg("t-pk-01", "email", """PCN CL88120477 — vehicle [[vehicle_reg|HN19 YTR]] — issued [[date|12/09/2025|2025-09-12]] on Clarence Street. I have a valid blue badge which was displayed, it may have slipped. Copy attached. Please cancel. Mrs J. Kaur""", received="2025-09-15")

msg("t-pk-02", "email", """Hello, I need a resident's permit for my new car, reg [[vehicle_reg|OU25 FMK]]. Old car [[vehicle_reg|OU15 BXA]] sold. Address [[address|19 Tivoli Street]], [[postcode|GL50 2UP]]. Permit number RP-31120.""", received="2025-09-15")

msg("t-pk-03", "sms", """got a ticket for parking on [[address|2 St Georges Place]] but there were no signs?? car is [[vehicle_reg|ll66 kpr|LL66 KPR]]""", received="2025-09-15")

msg("t-pk-04", "email", """I was charged [[money|£6.40]] twice by the RingGo app for the same parking session at Regent Arcade car park on Sat [[date|13 Sept|2025-09-13]]. Car [[vehicle_reg|BD70 LNE]]. Can one be refunded?""", received="2025-09-15")

msg("t-pk-05", "phone", """Caller disputing PCN for [[vehicle_reg|W214 HGF]] (old Merc). Says the bay markings are worn on Montpellier Spa Road. Advised formal challenge online within 14 days. Mobile [[phone|07700 900 547]].""", received="2025-09-15")

msg("t-ict-01", "service_desk", """Outlook not syncing on my phone since yesterday. iPhone 13, council mobile [[phone|07700 900 719]]. Can someone ring me? I'm out on site inspections all day. Thanks, Ravi (Building Control)""", received="2025-09-15")

msg("t-ict-02", "service_desk", """Library self-service kiosk at Castle Street is showing a blue screen. Kiosk ID LIB-CS-02. Staff have restarted it twice. Library phone [[phone|01242 532 688]].""", received="2025-09-15")

msg("t-ict-03", "service_desk", """RevsPro 4.3 update: since this morning, council tax accounts won't open for anyone in Revenues — e.g. [[council_tax_ref|50223344]], [[council_tax_ref|50223345]]. Error: "Object reference not set". Please treat as P1.""", received="2025-09-15")

msg("t-ict-04", "service_desk", """Hi, new laptop request for leaver replacement. Employee number 100234. Start date [[date|29/09/2025|2025-09-29]]. Cost code RB100. Approver: [[email|j.holt@demoshire.gov.uk]]""", received="2025-09-15")

msg("t-ict-05", "service_desk", """The WiFi in the council chamber keeps dropping during committee meetings. Next meeting is Tuesday [[date|23 September|2025-09-23]] at 6pm and it's being livestreamed. Can someone check it before then? Ext 4402.""", received="2025-09-15")

msg("t-ict-06", "service_desk", """Please can you add Kate Moss (Environmental Health) to the EH-Inspections shared drive, read/write. Her username is kmoss3. Thanks""", received="2025-09-15")

msg("t-card-01", "phone", """Call note: resident rang to pay [[money|£165.00]] for a bulky collection and started reading card {{card|4532 7597 3454 241?}} — stopped her, explained we don't take card details over the phone, sent a GOV.UK Pay link to [[phone|07700 900 478]].""", received="2025-09-15")

msg("t-card-02", "email", """Dear council, here are my card details for the council tax: {{card|5412-7512-3412-345?}} exp {{exp|06/28}} sec code {{cvv|382}}. Account [[council_tax_ref|50661203]]. Please confirm once taken. Regards, Harold""", received="2025-09-15")

msg("t-card-03", "web_form", """Form: Contact us
Message: I want to pay for my daughter's [[certificate_type|birth certificate|birth]] but the payment page isn't loading. Can you take it from my card? {{card|4916 3384 5566 123?}} expiry {{exp|02/27}} and the 3 digits on the back are {{cvv|611}}.
Email: [[email|m.okonkwo@gmail.com]]""", received="2025-09-15")

msg("t-card-04", "facebook", """is it ok to send my card number here to pay the garden waste? its {{card|4485 2817 6543 210?}}""", received="2025-09-15")

msg("t-card-05", "sms", """Card {{card|5288 2100 0000 000?}} exp {{exp|1126}} for the PCN please""", received="2025-09-15")

msg("t-card-06", "email", """Please charge the [[money|£96]] to the card you have on file, or if you don't have it, it's {{card|3742 454554 0012?}}, expires {{exp|09/27}}. Thanks, Martha Ellis""", received="2025-09-15")

msg("t-card-07", "phone", """Customer paying licence fee read out {{card|4024 0071 2022 143?}} then {{exp|10/26}} then {{cvv|557}} in one go. None of it recorded in the payment system; pay link sent to [[email|bakery@thecrumbco.uk]].""", received="2025-09-15")

msg("t-card-08", "email", """Hello I paid by card over the phone last week ({{card|4111 1111 1111 1111}}) but the payment hasn't shown on my account [[council_tax_ref|50881234]]. Can you check? It was [[money|£140.00]] on [[date|8th September|2025-09-08]].""", received="2025-09-15")

msg("t-ws-01", "email", """Our blue recycling bin was taken by the crew on Thursday 11th and not returned. [[address|47 Naunton Park Road]] [[postcode|GL53 7DN]]. Please can we have a new one?""", received="2025-09-15")

msg("t-ws-02", "web_form", """Form: Request a new bin
Address: [[address|Flat 6, 120 Prestbury Road]], Cheltenham [[postcode|GL52 2DD]]
UPRN: [[uprn|100120229806]]
Bin type: 240 litre grey
Reason: lid broken
Contact: [[phone|01242 259 801]]""", received="2025-09-15")

msg("t-ws-03", "email", """Garden waste: I paid [[money|£52]] for the year on [[date|3 April|2025-04-03]] but no collections since mid-August. Sticker number GW-228813. [[address|9 Greatfield Drive]], [[postcode|GL53 9BU]]""", received="2025-09-15")

msg("t-ho-01", "email", """Dear Housing,

I'm a council tenant at [[address|12 Rowanfield Road]], [[postcode|GL51 8AF]]. My boiler has been broken since Saturday [[date|6 September|2025-09-06]], no heating or hot water. I have a 2 year old. Please send someone urgently. [[phone|07700 900 830]].

Shannon Leigh""", received="2025-09-15")

msg("t-ho-02", "email", """Hi, I'd like to apply for the housing register. I currently sofa surf at my sister's, [[address|3 Brockhampton Lane]], Swindon Village [[postcode|GL51 9RS]]. My NI number is [[nino|WP 90 12 83 A]]. Thanks, Lewis""", received="2025-09-15")

msg("t-cp-01", "email", """Formal complaint – [[case_ref|HRD-010455]]

I was promised a response within 10 working days to my complaint of [[date|14 August 2025|2025-08-14]]. It is now 5 weeks later. I am escalating this to stage 2. If I don't hear back I will contact the Ombudsman.

Mr Ronald Hayes, [[address|19 Oakhurst Rise]], [[postcode|GL52 6JU]]""", received="2025-09-22")

msg("t-cp-02", "email", """I want to complain about the public WiFi in Castle Street Library again. Could not submit my job application on [[date|9/9/2025|2025-09-09]]. This is the second time I've complained this quarter (first one was [[case_ref|HRD-010201]]).""", received="2025-09-15")

msg("t-cp-03", "email", """Re: your ref [[case_ref|HRD-9912|HRD-009912]]. Thank you for the stage 1 response. I accept the apology and the [[money|£50]] goodwill payment. Please pay it into the account my council tax is paid from (account [[council_tax_ref|50457781]]).""", received="2025-09-15")

msg("t-gen-01", "email", """Hi, how do I register to vote? I moved to [[address|31 Sherborne Street]], [[postcode|GL52 2JZ]] on [[date|15 August|2025-08-15]]. Thanks, Nia""", received="2025-09-15")

msg("t-gen-02", "email", """Hello, I'm writing to ask for a copy of the licence for the HMO at [[address|88 Queens Road]], [[postcode|GL50 2NF]]. Licence number HMO/2023/0077. Contact [[email|queensroad.residents@gmail.com]]""", received="2025-09-15")

msg("t-gen-03", "email", """Please could you confirm my council tax balance? Account [[council_tax_ref|50776612]], [[address|2 Alexandra Street]], [[postcode|GL50 2RB]]. I think I've overpaid by about [[money|£80]].""", received="2025-09-15")

msg("t-gen-04", "email", """Can you tell me the UPRN for [[address|10 Imperial Lane]], [[postcode|GL50 1QA]]? Solicitor needs it for the conveyancing. Thanks, Marcus ([[phone|+44 7700 900 146]])""", received="2025-09-15")

msg("t-gen-05", "email", """Good morning, I'd like to report a noise nuisance from [[address|Flat 2, 14 Bayshill Road]]. Loud music every night until 3am. I'm at [[address|Flat 4, 14 Bayshill Road]]. Tel [[phone|07700 900 955]].""", received="2025-09-15")

msg("t-gen-06", "email", """My council tax direct debit date is the 1st but I get paid on the 15th. Can I change it? Account number [[council_tax_ref|50390215]]. Ta, Kev""", received="2025-09-15")

msg("t-gen-07", "email", """Hi there. I am 79 and my husband passed away in July. I now live alone at [[address|5 Mead Road]], [[postcode|GL53 7DT]]. Do I get a discount on my council tax? Account [[council_tax_ref|50013378]]. Thank you, Mrs Joyce Hill, [[phone|01242 521 406]]""", received="2025-09-15")

msg("t-gen-08", "email", """Re: Council Tax bill [[council_tax_ref|50887123]]

You've charged me for band D but the property ([[address|4 Brunswick Street South]], [[postcode|GL50 4EZ]]) is a one-bed flat. I've appealed to the VOA (their ref VOA-2025-3381190). Please hold recovery action until they decide.

Mr N. Achebe""", received="2025-09-15")

msg("t-gen-09", "email", """Our community group would like to hire the Town Hall on Saturday [[date|15 November|2025-11-15]] for a fundraiser. About 200 people. What would it cost? Contact [[email|hello@friendsofpittville.org]] or [[phone|07700 900 093]].""", received="2025-09-15")

msg("t-gen-10", "email", """Please note my new email address: [[email|Jane.Doherty-Smith@Hotmail.co.uk]]. Old one was [[email|jdsmith1972@aol.com]]. Council tax account [[council_tax_ref|50412098]]. Jane""", received="2025-09-15")

msg("t-neg-01", "email", """Reference [[case_ref|HRD-000777]] — thanks. My order number from the online shop is <<nl|4716 3500 1234 5678 9>> hmm, sorry, ignore that, wrong window.""", received="2025-09-15")

msg("t-neg-02", "email", """Membership no. 2200 1134 8876 (library card). PIN changed. Telephone [[phone|01242 532 688]] for the library.""", received="2025-09-15")

msg("t-neg-03", "email", """Council tax accounts for our block: [[council_tax_ref|50100201]] [[council_tax_ref|50100202]] [[council_tax_ref|50100203]] [[council_tax_ref|50100204]] — all flats at [[address|5 Lypiatt Terrace]].""", received="2025-09-15")

msg("t-neg-04", "email", """Please call the office on [[phone|0800 123 4567]] or [[phone|01242 264 000]]. Opening hours 8.30 to 5.00. Our address is [[address|1 Municipal Way]], [[postcode|GL50 9SA]].""", received="2025-09-15")

msg("t-neg-05", "email", """UPRN [[uprn|200004123456]]; title number GR123456; OS grid ref SO 95 22.""", received="2025-09-15")

msg("t-neg-06", "email", """Ticket 2025-09-0041 raised. Asset CBC-PC-000123. Serial 5CG1234XYZ. MAC 00-1A-2B-3C-4D-5E.""", received="2025-09-15")

msg("t-neg-07", "email", """The tenancy deposit (DPS ref <<nl|1234 5678 9012 3456>>) has been returned to the tenant.""", received="2025-09-15")

msg("t-neg-08", "email", """Years on the account: 2019/20, 2020/21, 2021/22. Balance outstanding for each: nil, nil, nil.""", received="2025-09-15")

msg("t-neg-09", "phone", """Caller quoted case [[case_ref|HRD-010999]] and [[case_ref|HRD-011000]]. Both closed. Wants them reopened. Call back [[phone|07700 900 321]] after 4pm.""", received="2025-09-15")

msg("t-neg-10", "email", """I've been a council tax payer at this address for 23 years and never missed a payment, and I'm 84 years old, so please stop sending letters.""", received="2025-09-15")
