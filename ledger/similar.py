"""Near-duplicate claims: is a new claim's text one the ledger already holds?

Pure: text and claims in, matches out. The rule, as the README states it:
two texts are compared after normalising (Unicode NFKC, case folded,
punctuation and spacing reduced to single spaces). They are *near duplicates*
when the normalised texts are identical, differ by one word (a word added,
removed or replaced, in texts of at least four words), or are at least
:data:`THRESHOLD` alike by :class:`difflib.SequenceMatcher`'s ratio over their
words (2 × the words matched in order / all words: two words changed in a claim
of fourteen is 0.86).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

from .model import Claim

THRESHOLD = 0.85  # ratio at or above which two texts are "very similar"
MIN_WORDS = 4  # the one-word rule needs this many words in the shorter text (a third is too much)
SHOWN = 3  # matches reported at most
# Longer texts are compared on their first LONGEST words: the ratio is
# quadratic in the worst case, and a pasted article must not stall `add`.
LONGEST = 500

# A word of the text in more places than this share of the claims: every claim is read, as
# quickly as finding those that hold it
FIND_BELOW = 1 / 8
SAMPLE_EVERY = 16  # the claims whose words are counted to find the rarest: one in this many

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class Match:
    claim: Claim
    score: float  # 1.0 when identical once normalised
    why: str  # "identical", "one word differs" or "92% alike"

    @property
    def identical(self) -> bool:
        return self.why == "identical"


def normalise(text: str) -> str:
    """``"  The HOTEL was hit!"`` -> ``"the hotel was hit"``."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def words_of(text: str) -> list[str]:
    """``normalise(text)``'s words (none for an empty text). ASCII text, most of a ledger,
    takes a quicker way to the same words: nothing to normalise, every character but a
    letter or a digit a space (bench/: add at 100k claims)."""
    if text.isascii():
        return text.lower().translate(_ASCII_GAPS).split()
    new = normalise(text)
    return new.split(" ") if new else []


_ASCII_GAPS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})
_KEEP_NUL = {**_ASCII_GAPS, 0: 0}
_GAPS_NOT_NUL = re.compile(r"(?:[^\w\x00]|_)+")


class _Joined:
    """Texts joined by NUL in two groups, ASCII ones lowered and the others NFKC-normalised and
    case folded: each text's words are runs of word characters of its part (:func:`words_of`),
    so a word a text has is a substring of its part.

    Each group is normalised in one pass (a call per text, times 100k claims, was most of the
    near-duplicate check's time: bench/, add at 100k claims). Every step maps a character
    alone (casefold has no final-sigma rule, NFKC composes nothing across a NUL), so the
    words are those :func:`words_of` gives each text."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        plain = [i for i, text in enumerate(texts) if text.isascii()]
        other = [i for i, text in enumerate(texts) if not text.isascii()]
        lowered = "\x00".join([texts[i] for i in plain]).lower()  # as long as the texts
        folded = unicodedata.normalize("NFKC", "\x00".join([texts[i] for i in other])).casefold()
        self.groups = [(plain, lowered, _blank_ascii, True), (other, folded, _blank_unicode, False)]
        # a text that holds a NUL of its own would split in two: each is then read on its own
        self.whole = all(
            joined.count("\x00") == max(len(chosen) - 1, 0) for chosen, joined, *_ in self.groups
        )

    def words(self) -> list[list[str]]:
        if not self.whole:
            return [words_of(text) for text in self.texts]
        out: list[list[str]] = [[] for _ in self.texts]
        for chosen, joined, blank, _ in self.groups:
            if chosen:
                for i, piece in zip(chosen, blank(joined).split("\x00"), strict=True):
                    out[i] = piece.split()
        return out

    def counts(self, words: Iterable[str]) -> dict[str, int]:
        """How often each word is in the texts' parts (words inside longer words too)."""
        return {word: sum(joined.count(word) for _, joined, *_ in self.groups) for word in words}

    def holding_any(self, words: Iterable[str], most: int) -> list[int] | None:
        """The texts whose part holds one of ``words``, in order (a superset of those whose
        words include one); None when one of the words is in more than ``most`` places:
        reading every text is then quicker than finding them."""
        if not self.whole:
            return None
        found: set[int] = set()
        for chosen, joined, _, same_length in self.groups:
            if not chosen:
                continue
            parts = (len(self.texts[i]) for i in chosen) if same_length else map(len, joined.split("\x00"))
            starts = [0, *accumulate(n + 1 for n in parts)]  # where each text's part begins
            for word in words:
                if joined.count(word) > most:
                    return None
                at = joined.find(word)
                while at != -1:
                    k = bisect_right(starts, at) - 1
                    found.add(chosen[k])
                    at = joined.find(word, starts[k + 1])  # on to the next text
        return sorted(found)


def _blank_ascii(lowered: str) -> str:
    return lowered.translate(_KEEP_NUL)


def _blank_unicode(folded: str) -> str:
    return _GAPS_NOT_NUL.sub(" ", folded)


def near_duplicates(text: str, claims: Iterable[Claim], *, skip: Iterable[int] = ()) -> list[Match]:
    """The claims whose text is a near duplicate of ``text``, most alike first (at most SHOWN).

    ``skip`` holds claims the new one is already linked to: the user has said
    how they relate.
    """
    by_id: dict[int, Claim] = {}

    def texts() -> Iterator[tuple[int, str]]:
        for claim in claims:
            by_id[claim.id] = claim
            yield claim.id, claim.text

    return [Match(by_id[n], score, why) for n, score, why in scored(text, texts(), skip=skip)]


def scored(text: str, texts: Iterable[tuple[int, str]], *, skip: Iterable[int] = ()) -> list[Scored]:
    """:func:`near_duplicates` over ``(claim id, text)`` pairs: (id, score, why) of each match,
    so a store need not build every claim to have its text compared (bench/: add at 100k).

    Linear in the claims; each costs one normalisation unless its words could reach the
    threshold.
    """
    words = words_of(text)
    if not words:
        return []
    head = words[:LONGEST]  # the ratio compares the first LONGEST words
    vocabulary = set(words)
    n, nr = len(words), len(head)
    skipped = set(skip)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(head)  # compared against many: cached once (difflib's advice)
    found: list[Scored] = []
    pairs = list(texts)
    bodies = [body for _, body in pairs]
    joined = _Joined(bodies)
    # every near duplicate holds one of a few of the text's words (must_share: the rarest, as
    # counted in a sample of the texts); where those are rare, only the texts holding one are read
    needs = must_share(text, _Joined(bodies[::SAMPLE_EVERY]).counts)
    chosen = joined.holding_any(needs.any_of, int(len(pairs) * FIND_BELOW))
    if chosen is None:
        told = zip(pairs, joined.words(), strict=True)
    else:
        told = ((pairs[i], words_of(pairs[i][1])) for i in chosen)
    for (claim_id, _), other in told:
        if claim_id in skipped:
            continue
        if other == words:
            found.append((claim_id, 1.0, "identical"))
            continue
        m, mr = len(other), min(len(other), LONGEST)
        # Cheap bounds first: a rule that cannot hold is not worked out.
        one_word = abs(n - m) <= 1 and min(n, m) >= MIN_WORDS
        alike = 2 * min(nr, mr) >= THRESHOLD * (nr + mr)
        if alike or one_word:
            shared = sum(map(vocabulary.__contains__, other[:LONGEST]))  # >= the words that can match
            alike = alike and 2 * shared >= THRESHOLD * (nr + mr)
            one_word = one_word and (m > LONGEST or shared >= min(n, m) - 1)
        if not (alike or one_word):
            continue
        matcher.set_seq1(other[:LONGEST])
        score = matcher.ratio()
        if one_word and _one_word_apart(words, other):  # the plainer words, when both rules hold
            found.append((claim_id, score, "one word differs"))
        elif score >= THRESHOLD:
            found.append((claim_id, score, f"{score:.0%} alike"))
    found.sort(key=lambda match: (-match[1], match[0]))
    return found[:SHOWN]


Scored = tuple[int, float, str]  # a match's claim id, score and why (as Match has them)


def _one_word_apart(words: list[str], other: list[str]) -> bool:
    """True if ``other`` is ``words`` with one word added, removed or replaced."""
    short, long_ = sorted((words, other), key=len)
    if len(short) < MIN_WORDS or len(long_) - len(short) > 1:
        return False
    i = 0  # the first word that differs
    while i < len(short) and short[i] == long_[i]:
        i += 1
    if len(short) == len(long_):
        return i < len(short) and short[i + 1 :] == long_[i + 1 :]  # replaced
    return short[i:] == long_[i + 1 :]  # added or removed


def index_words(text: str) -> list[str]:
    """The distinct words of a text once normalised, sorted: what a store keeps beside each
    claim so that :func:`must_share` can spare it reading every claim."""
    return sorted(set(words_of(text)))


@dataclass(frozen=True, slots=True)
class Needs:
    """What every near duplicate of a text holds (see :func:`must_share`)."""

    any_of: frozenset[str]  # one of these words, at least
    weights: Mapping[str, int]  # the text's words (its first LONGEST), each as often as it says it
    needed: float  # and words of these weighing this much, at least

    def met_by(self, words: Iterable[str]) -> bool:
        """Whether a claim holding ``words`` may be a near duplicate (if not: it is not one)."""
        held = set(words)
        if held.isdisjoint(self.any_of):
            return False
        return sum(n for word, n in self.weights.items() if word in held) >= self.needed


def must_share(text: str, frequency: Callable[[list[str]], Mapping[str, int]]) -> Needs:
    """What every near duplicate of ``text`` holds: a store may give :func:`near_duplicates`
    only the claims that meet it, and the answer is the same as over every claim.

    Why: the words the ratio matches are words of ``text``'s first LONGEST (``n`` of them),
    each at most as often as it has it, and at most all of the other text's, so a ratio of
    THRESHOLD needs ``m`` >= t/(1 - t) x ``n`` matches, t = THRESHOLD / 2 (0.74 ``n``): a
    near duplicate holds words of ``text`` weighing ``m``. Two texts one word apart match all
    but one word: more than that from MIN_WORDS words on, so this serves both rules. And so
    it holds one of the rarest words (``frequency``: claims per word, as the store counts
    them; any count keeps the answer right, a true one keeps the claims read few), taken until
    those left weigh less than ``m``: the few claims a store's index of words names.
    """
    words = words_of(text)
    if not words:
        return Needs(frozenset(), {}, 1.0)  # nothing is a near duplicate of nothing
    head = Counter(words[:LONGEST])
    half = THRESHOLD / 2
    needed = half / (1 - half) * sum(head.values()) * (1 - 1e-9)  # a hair lower: never above the rule
    return Needs(frozenset(_rarest(head, needed, frequency(sorted(head)))), dict(head), needed)


def _rarest(weights: Counter[str], needed: float, counts: Mapping[str, int]) -> set[str]:
    """The rarest words, taken until the others weigh less than ``needed``."""
    left = sum(weights.values())
    taken: set[str] = set()
    for word in sorted(weights, key=lambda w: (counts.get(w, 0), w)):
        if left < needed:
            break
        taken.add(word)
        left -= weights[word]
    return taken
