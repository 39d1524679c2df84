"""Generated comments for the campaign tests: one template with small edits, and distinct comments."""

import random

WORDS = [
    "refusal",
    "model",
    "answer",
    "question",
    "safety",
    "medical",
    "advice",
    "dosage",
    "clinic",
    "patient",
    "doctor",
    "law",
    "lawyer",
    "court",
    "rule",
    "clause",
    "guideline",
    "company",
    "policy",
    "harm",
    "risk",
    "child",
    "school",
    "teacher",
    "research",
    "science",
    "chemistry",
    "history",
    "war",
    "news",
    "journalist",
    "privacy",
    "data",
    "person",
    "address",
    "phone",
    "account",
    "password",
    "security",
    "software",
    "code",
    "exploit",
    "bug",
    "report",
    "user",
    "customer",
    "language",
    "translation",
    "poem",
    "story",
    "fiction",
    "violence",
    "weapon",
    "hunting",
    "kitchen",
    "knife",
    "recipe",
    "food",
    "allergy",
    "drug",
    "pharmacy",
    "bank",
    "money",
    "loan",
    "tax",
    "election",
    "vote",
    "candidate",
    "government",
    "city",
    "river",
    "weather",
    "storm",
    "farm",
    "animal",
    "veterinarian",
    "dog",
    "horse",
    "museum",
    "art",
    "music",
    "song",
    "film",
    "book",
    "library",
    "student",
    "exam",
    "homework",
    "essay",
    "university",
    "job",
    "interview",
    "work",
    "union",
    "strike",
    "factory",
    "energy",
    "power",
    "nuclear",
    "solar",
    "climate",
    "ocean",
    "fishing",
    "boat",
    "travel",
    "visa",
    "border",
    "migrant",
    "refugee",
    "family",
    "parent",
    "baby",
    "pregnancy",
    "health",
    "mental",
    "therapy",
    "suicide",
    "prevention",
    "crisis",
    "hotline",
    "emergency",
    "fire",
    "police",
    "crime",
    "victim",
]
CONNECTORS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "for",
    "it",
    "with",
    "as",
    "on",
    "be",
    "this",
    "should",
    "not",
    "when",
    "why",
    "how",
    "can",
    "must",
    "would",
]

TEMPLATE = (
    "I am writing to oppose the proposed change to this clause. Refusing to answer questions about medication "
    "dosage puts patients at risk, because people will look for answers in worse places. The company should "
    "publish the evidence behind this rule, consult doctors and pharmacists, and give users a clear way to appeal "
    "a refusal. Please withdraw this clause and replace it with guidance that helps people stay safe."
)
GREETINGS = ["Dear company,", "Hello,", "To whom it may concern:", "Hi team,", "Dear reviewers,", ""]
FILLERS = ["really", "strongly", "honestly", "simply", "truly", "clearly", "also", "now"]
NAMES = ["Alex", "Sam", "Maria", "Chen", "Fatima", "Olu", "Priya", "Jonas", "Ana", "Tom", "Yuki", "Leila"]


def campaign_comment(rng: random.Random) -> str:
    """The template with a few words swapped or added, and a greeting and a signature of its own."""
    words = TEMPLATE.split()
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words)), rng.choice(FILLERS))
    signature = f"{rng.choice(['Regards', 'Thanks', 'Best', 'Sincerely'])}, {rng.choice(NAMES)} {rng.randint(1, 999)}"
    return " ".join(filter(None, [rng.choice(GREETINGS), *words, signature]))


def distinct_comment(rng: random.Random) -> str:
    """A comment of its own: 25 to 80 words drawn from a shared vocabulary, as different people write."""
    return " ".join(
        rng.choice(CONNECTORS) if rng.random() < 0.35 else rng.choice(WORDS) for _ in range(rng.randint(25, 80))
    ).capitalize()
