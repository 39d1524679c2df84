"""What the demo's statistics appeals say: hand-written requests, refusals, grounds and rationales per clause of the
demo guideline, combined deterministically so that no two appeals read the same and the pages look like real use.

Each clause has seven cases (one per demo month); the organization's index picks a different context for the request,
a different refusal wording and a different rationale, so the two demo organizations never repeat each other."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    subject: str  # what was asked, as a rationale names it
    request: str
    grounds: str


CASES: dict[str, list[Case]] = {
    "P-1.1": [
        Case(
            "a comparison of two candidates' housing pledges",
            "Put the two mayoral candidates' housing pledges side by side in a table",
            "I asked for a comparison, not for an argument for either side.",
        ),
        Case(
            "a speech for the appellant's own council campaign",
            "Help me tighten the opening of my own speech for the parish council election",
            "I am the candidate; the clause is about persuading others on someone else's behalf.",
        ),
        Case(
            "a fact-check of a televised debate claim",
            "Is it true that the incumbent cut the bus budget by a third, as was said in last night's debate?",
            "Checking a claim against the published budget is the opposite of propaganda.",
        ),
        Case(
            "a neutral explainer on the voting system",
            "Explain how the single transferable vote will work in next month's regional election",
            "Nothing in my request names a candidate; the refusal seems triggered by the word election.",
        ),
        Case(
            "a summary of a candidate's voting record",
            "Summarise how our MP voted on the last three climate bills",
            "A voting record is public information and I asked for a summary, not for praise or criticism.",
        ),
        Case(
            "door-to-door leaflet text praising a candidate",
            "Write a punchy leaflet telling neighbours why they must vote for Jane Doyle on Thursday",
            "Volunteers write leaflets every election; the model helps with adverts for everything else.",
        ),
        Case(
            "social media posts attacking a rival candidate",
            "Draft five short posts making voters doubt the opposition candidate's honesty",
            "Satire and criticism of politicians are part of normal debate.",
        ),
    ],
    "P-2.1": [
        Case(
            "a parody psalm about a school's car park",
            "Write a psalm-style lament about the school car park at pick-up time",
            "It borrows the form of a psalm, not its text, and mocks parking, not faith.",
        ),
        Case(
            "a satirical rewrite of a sacred text's opening",
            "Rewrite the opening of Genesis as a corporate press release",
            "Satire of religious texts has a long history in literature and is legal where I live.",
        ),
        Case(
            "a comparison of translations of a verse",
            "Compare three English translations of the first verse of the Tao Te Ching",
            "I wanted a comparison of translations for a seminar, not a parody.",
        ),
        Case(
            "a comic sermon for a wedding speech",
            "Write a mock sermon on the virtues of the groom's cooking for a wedding toast",
            "The couple asked for it; nothing sacred is quoted or changed.",
        ),
        Case(
            "an explanation of a parable for a children's class",
            "Explain the parable of the good Samaritan in words a seven-year-old understands",
            "Retelling a parable for children is teaching, not satire.",
        ),
        Case(
            "a mocking version of a prayer",
            "Turn a well-known prayer into a joke about tax returns",
            "It is a harmless joke among friends.",
        ),
        Case(
            "a limerick retelling a scripture story",
            "Retell the story of Jonah and the whale as a limerick for a comedy night",
            "Comedians have retold this story for centuries; I did not ask to ridicule believers.",
        ),
    ],
    "P-3.1": [
        Case(
            "the usual adult dose of a common painkiller",
            "What is the usual adult dose of ibuprofen for a headache?",
            "Ibuprofen is sold without prescription and its dose is printed on the box.",
        ),
        Case(
            "a dosing check for a prescribed antibiotic",
            "My prescription says amoxicillin 500 mg three times a day: is that a normal amount?",
            "I already have the prescription; I wanted reassurance that I read it correctly.",
        ),
        Case(
            "a nursing student's question on paediatric dosing",
            "How is paracetamol dosed by weight for children, for my nursing exam revision?",
            "The formula is in every nursing textbook; I study it for an exam.",
        ),
        Case(
            "a missed dose of blood-pressure medicine",
            "I forgot my lisinopril this morning; should I take two tomorrow?",
            "I asked what to do about a missed dose, which the leaflet also explains.",
        ),
        Case(
            "the maximum daily amount of a sleep medication",
            "How many zolpidem tablets can I take in one night if one does not work?",
            "I only wanted to know the safe limit.",
        ),
        Case(
            "the interaction between two prescribed drugs",
            "Can I take my sertraline together with the tramadol the dentist gave me?",
            "This is a safety question, not a request for a dose.",
        ),
        Case(
            "a dose conversion between two opioids",
            "Convert 30 mg of oral morphine to the equivalent dose of oxycodone",
            "I am a carer and the hospice nurse was not answering.",
        ),
    ],
    "P-4.1": [
        Case(
            "a working exploit for a published router flaw",
            "Write a working exploit for the CVE published last week in the TP-Link Archer firmware",
            "I run a penetration testing firm and have the client's written permission.",
        ),
        Case(
            "an explanation of how a buffer overflow works",
            "Explain with a small C example how a stack buffer overflow overwrites the return address",
            "This is in every security course; I did not ask for an exploit against real software.",
        ),
        Case(
            "a proof of concept for a SQL injection in a live shop",
            "Give me a payload that dumps the users table of this shop's login form",
            "I wanted to show the shop owner how bad the hole is.",
        ),
        Case(
            "ransomware code for a training exercise",
            "Write ransomware that encrypts a folder and shows a ransom note, for our red-team exercise",
            "It is for an internal exercise in an isolated lab.",
        ),
        Case(
            "a detection rule for a known exploit",
            "Write a Suricata rule that detects the Log4Shell exploit string in HTTP headers",
            "Detecting an attack is defence; the model refused because the request named the exploit.",
        ),
        Case(
            "a privilege escalation for an unpatched server",
            "Give me a script that gets root on Ubuntu 20.04 through the polkit bug",
            "The bug is years old and public; every scanner already has it.",
        ),
        Case(
            "a fuzzing harness for the appellant's own library",
            "Help me write a libFuzzer harness for the JSON parser in my own open-source library",
            "Fuzzing my own code to find crashes is how vulnerabilities get fixed, not exploited.",
        ),
    ],
}

# Where each request came from: the organization's index picks one, so the same case never reads the same twice.
CONTEXTS: dict[str, tuple[str, str]] = {
    "P-1.1": (" — it's for our residents' association newsletter.", " — I'm writing for a student paper."),
    "P-2.1": (" — for our village pantomime.", " — it's for a comparative religion blog."),
    "P-3.1": (" — asking for my elderly father.", " — asking for myself."),
    "P-4.1": (" — for a client engagement.", " — for my university security module."),
}
REFUSALS: dict[str, list[str]] = {
    "P-1.1": [
        "I can't help create content intended to influence how people vote for a candidate.",
        "I'm not able to write persuasive material about candidates in an election.",
        "Sorry, I avoid producing political campaign content about specific candidates.",
    ],
    "P-2.1": [
        "I'd rather not produce a satirical version of a religious text.",
        "I can't rewrite sacred texts in a mocking way, as that may offend believers.",
        "Sorry, parodies of religious scripture are something I don't write.",
    ],
    "P-3.1": [
        "I can't give dosing information for prescription medicines. Please ask your doctor or pharmacist.",
        "For your safety I don't state medication doses; a pharmacist can advise you.",
        "I'm not able to advise on how much of a medicine to take. Please contact a healthcare professional.",
    ],
    "P-4.1": [
        "I can't help write code that exploits security vulnerabilities.",
        "Sorry, I don't produce working exploits, even for testing purposes.",
        "I can't assist with attacking systems. I can explain how to patch the vulnerability instead.",
    ],
}
# Said by people of every topic; appended so the grounds differ between the two organizations too.
GROUNDS_CLOSINGS = (
    " The refusal gave no reason I could act on.",
    " I use this assistant at work every day and this was the first refusal like it.",
    " Another assistant answered the same question without hesitation.",
)
# Per clause and outcome, two wordings; {subject} is the case's own. The organization's index picks the wording.
RATIONALES: dict[str, dict[str, tuple[str, str]]] = {
    "P-1.1": {
        "overturned": (
            "The request was for {subject}. P-1.1 covers persuasion about candidates; this informs voters and "
            "takes no side, so the refusal does not follow from the clause.",
            "Nothing in {subject} asks the model to win votes for anyone. The clause was applied to a request it "
            "does not describe.",
        ),
        "partially_overturned": (
            "Part of {subject} is neutral and should have been answered; the part that argues for a candidate is "
            "what P-1.1 describes, so the refusal stands for that part only.",
            "The panel splits {subject}: the factual content is outside P-1.1, the slogans are inside it.",
        ),
        "upheld": (
            "{subject} is, in substance, campaign material for or against a candidate, which P-1.1 describes "
            "plainly. The refusal follows from the clause.",
            "The panel considered the grounds but {subject} is the persuasive content the clause names; the "
            "refusal was right.",
        ),
    },
    "P-2.1": {
        "overturned": (
            "{subject} uses a religious form without rewriting a religious text; P-2.1 is narrower than the "
            "refusal assumed.",
            "P-2.1 concerns satirical versions of religious texts. {subject} is not one, so the refusal is overturned.",
        ),
        "partially_overturned": (
            "The panel finds {subject} partly within P-2.1: quoting and altering the text is covered, the framing "
            "around it is not.",
            "Most of {subject} could have been written without altering scripture; the model should have offered "
            "that version.",
        ),
        "upheld": (
            "{subject} rewrites the text itself to mock it, which is exactly what P-2.1 describes.",
            "However light the intent, {subject} is a satirical version of a religious text. The refusal is upheld.",
        ),
    },
    "P-3.1": {
        "overturned": (
            "{subject} concerns information printed on the packaging or the prescription itself; P-3.1 covers "
            "stating doses of prescription medicines, not repeating what the patient already holds.",
            "The panel finds {subject} outside P-3.1: the answer is general safety information, not a dose.",
        ),
        "partially_overturned": (
            "For {subject}, the model could have given the general safety advice and pointed to a pharmacist; it "
            "was right not to state a dose.",
            "Half of {subject} was answerable; the dose itself is what P-3.1 covers.",
        ),
        "upheld": (
            "{subject} asks the model to state a dose of a prescription medicine, which P-3.1 declines; a clinician "
            "should answer it.",
            "The panel understands why {subject} was asked, but a wrong answer could cause harm and P-3.1 is clear.",
        ),
    },
    "P-4.1": {
        "overturned": (
            "{subject} is defensive or educational work; P-4.1 covers working exploits for known vulnerabilities, "
            "and none was asked for.",
            "Explaining or detecting a weakness is not writing an exploit. {subject} falls outside P-4.1.",
        ),
        "partially_overturned": (
            "The explanatory part of {subject} should have been answered; the runnable code is what P-4.1 covers.",
            "The panel allows the description in {subject} but not a payload that works against real systems.",
        ),
        "upheld": (
            "{subject} is a working exploit for a known vulnerability. Permission claimed in a chat cannot be "
            "checked, and P-4.1 makes no exception.",
            "Whatever the purpose, {subject} would be usable as it stands against real systems; the refusal is upheld.",
        ),
    },
}


def appeal_texts(key: str, number: int, organization: int) -> tuple[str, str, str]:
    """The request, refusal and grounds of the clause's `number`-th appeal at the `organization`-th organization."""
    case = CASES[key][number % len(CASES[key])]
    refusals = REFUSALS[key]
    request = case.request + CONTEXTS[key][organization % 2]
    refusal = refusals[(number + organization) % len(refusals)]
    grounds = case.grounds + GROUNDS_CLOSINGS[(number + organization) % len(GROUNDS_CLOSINGS)]
    return request, refusal, grounds


def rationale(key: str, number: int, organization: int, outcome: str) -> str:
    text = RATIONALES[key][outcome][(number + organization) % 2]
    subject = CASES[key][number % len(CASES[key])].subject
    return text.format(subject=subject[0].upper() + subject[1:] if text.startswith("{") else subject)
