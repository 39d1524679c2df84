from datetime import timedelta

# Each limit is defined once: the model fields, the forms and the API serializer all use these.
GROUNDS_MAX = 5000
EXCERPT_MAX = 5000
URL_MAX = 500
LANGUAGE_MAX = 20
CLAUSE_KEY_MAX = 30
CLAUSES_MAX = 20
NOTE_MAX = 2000
RATIONALE_MAX = 20000
RESPONSE_MAX = 5000
DECLINE_REASON_MAX = 1000
PANEL_OF_THREE = 3
RECOMMENDATION_MAX = 2000  # one recommendation's text
RECOMMENDATIONS_MAX = 5  # recommendations one decision (or one panel member's vote) may make
CALL_REASON_MAX = 1000  # the moderator's sentence on why an appeal is open for public comment
CITATION_REASON_MAX = 500  # why a decision follows or distinguishes an earlier one: a sentence or two
CITATIONS_MAX = 10  # earlier decisions one decision may cite
KID_MAX = 64  # a refusal receipt's key id
REFUSAL_ID_MAX = 128  # a refusal receipt's refusal id (`jti`), unique per system
RECEIPT_MAX = 4096  # a whole receipt, compact JWS: a few hundred characters in practice
KEYS_PER_SYSTEM_MAX = 100  # keys a system may hold, all listed in its one JWKS document
CLOCK_SKEW = timedelta(minutes=5)  # a device clock a little ahead is not "the future"
