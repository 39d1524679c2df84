"""Extractive summaries by LexRank (Erkan and Radev, 2004): the sentences most central to what people wrote.

Written here, in a few lines on scikit-learn and scipy, rather than taken from a package: `lexrank` on PyPI has not
been released since 2018, and sumy needs NLTK's tokenizer data downloaded at run time, which a server that must run
offline cannot do. Every sentence returned is a sentence of a comment, character for character: the summary quotes,
it never writes.
"""

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

# Two sentences are linked when the cosine similarity of their TF-IDF vectors reaches this (the paper's 0.1).
THRESHOLD = 0.1
DAMPING = 0.85
TOLERANCE = 1e-8
MAX_ITERATIONS = 200
# A chosen sentence this similar to one chosen before says the same thing again, and is skipped.
REDUNDANT = 0.5
MIN_WORDS, MAX_CHARACTERS = 4, 400
SENTENCES_PER_SOURCE = 8

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+|\n+")
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Sentence:
    text: str
    source: int  # the id of the comment it was taken from


def split_sentences(text: str) -> list[str]:
    """The sentences of a plain text, each stripped, the too short and too long left out."""
    found = (part.strip() for part in SENTENCE_END.split(text))
    return [s for s in found if len(WORD.findall(s)) >= MIN_WORDS and len(s) <= MAX_CHARACTERS]


def candidate_sentences(sources: list[tuple[int, str]]) -> list[Sentence]:
    """Each source's first sentences, once each: a sentence many comments repeat is one candidate, credited to the
    first source (the caller orders them most endorsed first)."""
    seen: set[str] = set()
    sentences = []
    for source, text in sources:
        for sentence in split_sentences(text)[:SENTENCES_PER_SOURCE]:
            if sentence.casefold() not in seen:
                seen.add(sentence.casefold())
                sentences.append(Sentence(sentence, source))
    return sentences


def centrality(similarity: np.ndarray) -> np.ndarray:
    """The stationary distribution of a random walk on the thresholded similarity graph, by power iteration."""
    count = similarity.shape[0]
    adjacency = sparse.csr_matrix(similarity >= THRESHOLD, dtype=np.float64)
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    degree[degree == 0] = 1  # a sentence without words links to nothing; it still gets the damping's share
    transition = (sparse.diags(1 / degree) @ adjacency).T.tocsr()
    scores = np.full(count, 1 / count)
    for _ in range(MAX_ITERATIONS):
        updated = (1 - DAMPING) / count + DAMPING * (transition @ scores)
        updated /= updated.sum()
        if np.abs(updated - scores).sum() < TOLERANCE:
            return updated
        scores = updated
    return scores


def summarize(sources: list[tuple[int, str]], *, most: int | None = None) -> list[Sentence]:
    """At most `most` sentences of `sources` ((id, plain text) pairs; by default summary_length of them), most
    central first, none repeating another."""
    sentences = candidate_sentences(sources)
    most = most or summary_length(len(sentences))
    if len(sentences) <= 1:
        return sentences[:most]
    try:
        vectors = TfidfVectorizer(strip_accents="unicode", sublinear_tf=True).fit_transform([s.text for s in sentences])
    except ValueError:  # no word in any sentence that TF-IDF counts
        return sentences[:most]
    # Rows are L2-normalised by TfidfVectorizer, so their products are the cosine similarities. Dense: the input is
    # capped (CLOSEOUT_SUMMARY_COMMENTS comments, SENTENCES_PER_SOURCE sentences each), so this stays small.
    similarity = (vectors @ vectors.T).toarray()
    scores = centrality(similarity)
    chosen: list[int] = []
    for index in np.argsort(-scores, kind="stable"):
        if len(chosen) == most:
            break
        if not chosen or similarity[index, chosen].max() < REDUNDANT:
            chosen.append(int(index))
    return [sentences[index] for index in chosen]


def summary_length(sentences: int) -> int:
    """3 sentences, 4 from 20 candidates, 5 from 40: a longer debate gets a longer summary."""
    return min(5, 3 + sentences // 20)
