# Limits on what people write, each defined here once and used by the models, forms, API serializers and services.
KEY_LENGTH = 30
SLUG_LENGTH = 80
TITLE_LENGTH = 200
HEADING_LENGTH = 200
CLAUSE_TEXT_LENGTH = 20_000
LONG_TEXT_LENGTH = 5_000  # comments, descriptions, summaries of changes, responses, statements
NOTE_LENGTH = 2_000  # moderators' notes to an author, reasons for an extension
REPORT_REASON_LENGTH = 1_000
ON_BEHALF_OF_LENGTH = 200
MAX_TAGS, TAG_LENGTH = 20, 40
MAX_CLAUSES = 500
MAX_IMPORT_CHARS = 500_000
