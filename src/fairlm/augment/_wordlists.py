"""Term lists for counterfactual data augmentation, beyond the data set's gender pairs.

The gender word pairs come from the ``cda_wordlists`` data set (Zhao et al. 2018, loaded
by :func:`fairlm.data.load_cda_pairs`); the lists here add what those lack (first names,
a few common pairs), say which upstream pairs are left out and why, and give the race and
religion term groups.

Race and religion follow the approach of bias-bench (Meade et al., ACL 2022): terms are
arranged in aligned rows, one column per group; a term found in a text is replaced by the
term of the same row in another group, chosen at random. bias-bench's own list has no
licence, so these rows were written for fairlm; they are demographic terms, not copied text.
"""

from __future__ import annotations

__all__ = [
    "GENDER_PREFERRED_PAIRS",
    "GENDER_EXCLUDED_WORDS",
    "GENDER_ONE_WAY",
    "NAME_PAIRS",
    "RACE_GROUPS",
    "RACE_ROWS",
    "RELIGION_GROUPS",
    "RELIGION_ROWS",
]

# (male, female). Taken before the data set's pairs, so where a word has two partners
# upstream (priest/nun and priest/priestess, lord/lady and gentleman/lady) these win.
GENDER_PREFERRED_PAIRS: tuple[tuple[str, str], ...] = (
    ("gentleman", "lady"),
    ("gentlemen", "ladies"),
    ("priest", "priestess"),
    ("priests", "priestesses"),
    ("monk", "nun"),
    ("monks", "nuns"),
    ("guy", "gal"),
    ("guys", "gals"),
    ("dude", "chick"),
    ("dudes", "chicks"),
    ("mr", "mrs"),  # the period after "Mr." is punctuation and is kept as it is
    ("sir", "ma'am"),
    ("grandpa", "grandma"),
    ("grandpas", "grandmas"),
    ("papa", "mama"),
    ("boyfriend", "girlfriend"),
    ("boyfriends", "girlfriends"),
    ("congressman", "congresswoman"),
    ("congressmen", "congresswomen"),
    ("councilman", "councilwoman"),
    ("councilmen", "councilwomen"),
    ("salesman", "saleswoman"),
    ("salesmen", "saleswomen"),
    ("schoolboy", "schoolgirl"),
    ("schoolboys", "schoolgirls"),
    ("stepbrother", "stepsister"),
    ("stepbrothers", "stepsisters"),
    ("godfather", "godmother"),
    ("fatherhood", "motherhood"),
    ("fraternity", "sorority"),
    ("paternal", "maternal"),
    ("heir", "heiress"),
    ("heirs", "heiresses"),
    ("heroes", "heroines"),
)

# Upstream words not swapped. Misspellings (mentleman, godess, adultor, barnoesses,
# "seamstress'"), everyday words that are usually not gendered (miss as a verb, master's
# degree, host country, "god" in idioms), pronouns (handled by rule, see cda.py) and the
# titles with their periods (handled as mr/mrs/ms without the period).
GENDER_EXCLUDED_WORDS: frozenset[str] = frozenset(
    {
        "mentleman",
        "godess",
        "godesses",
        "adultor",
        "adultors",
        "adultress",
        "adultresses",
        "barnoesses",
        "seamstress'",
        "miss",
        "master",
        "masters",
        "mistress",
        "mistresses",
        "host",
        "hosts",
        "hostess",
        "hostesses",
        "god",
        "gods",
        "mr.",
        "mrs.",
        "ms.",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "himself",
        "herself",
    }
)

# Swapped one way only (their partner already has a partner): not part of the
# two-sided lists, so swapping twice does not return them.
GENDER_ONE_WAY: tuple[tuple[str, str], ...] = (("ms", "mr"), ("madam", "sir"))

# (male, female) first names, matched only when capitalised ("John", "JOHN", not "john").
# Common US names (Social Security Administration frequency lists) paired roughly by
# frequency, as in Maudslay et al. (EMNLP 2019)'s name intervention; names that are also
# common words or places (Mark, Will, Bill, Frank, Grace, Hope, Joy, Rose, May, June,
# Victoria, Jordan, Christian) are left out.
NAME_PAIRS: tuple[tuple[str, str], ...] = (
    ("John", "Mary"),
    ("James", "Patricia"),
    ("Robert", "Jennifer"),
    ("Michael", "Linda"),
    ("William", "Elizabeth"),
    ("David", "Barbara"),
    ("Richard", "Susan"),
    ("Joseph", "Jessica"),
    ("Thomas", "Sarah"),
    ("Charles", "Karen"),
    ("Christopher", "Nancy"),
    ("Daniel", "Lisa"),
    ("Matthew", "Betty"),
    ("Anthony", "Margaret"),
    ("Donald", "Sandra"),
    ("Steven", "Ashley"),
    ("Paul", "Kimberly"),
    ("Andrew", "Emily"),
    ("Joshua", "Donna"),
    ("Kenneth", "Michelle"),
    ("Kevin", "Dorothy"),
    ("Brian", "Carol"),
    ("George", "Amanda"),
    ("Edward", "Melissa"),
    ("Ronald", "Deborah"),
    ("Timothy", "Stephanie"),
    ("Jason", "Rebecca"),
    ("Jeffrey", "Sharon"),
    ("Ryan", "Laura"),
    ("Jacob", "Cynthia"),
    ("Gary", "Kathleen"),
    ("Nicholas", "Amy"),
    ("Eric", "Angela"),
    ("Jonathan", "Shirley"),
    ("Stephen", "Anna"),
    ("Larry", "Brenda"),
    ("Justin", "Pamela"),
    ("Scott", "Emma"),
    ("Brandon", "Nicole"),
    ("Benjamin", "Helen"),
    ("Samuel", "Samantha"),
    ("Gregory", "Katherine"),
    ("Raymond", "Christine"),
    ("Alexander", "Rachel"),
    ("Patrick", "Carolyn"),
    ("Dennis", "Catherine"),
    ("Jerry", "Maria"),
    ("Tyler", "Heather"),
    ("Aaron", "Diane"),
    ("Henry", "Julie"),
    ("Peter", "Joyce"),
    ("Adam", "Evelyn"),
)

# Aligned rows: column k of every row belongs to group k. "black" and "white" are also
# colours; like bias-bench, fairlm swaps them anyway (documented in docs/mitigation.md).
RACE_GROUPS: tuple[str, ...] = ("black", "white", "asian", "hispanic")
RACE_ROWS: tuple[tuple[str, ...], ...] = (
    ("black", "white", "asian", "hispanic"),
    ("blacks", "whites", "asians", "hispanics"),
    ("african american", "european american", "asian american", "latino"),
    ("african americans", "european americans", "asian americans", "latinos"),
    ("african", "european", "east asian", "latin american"),
    ("africa", "europe", "asia", "latin america"),
)

RELIGION_GROUPS: tuple[str, ...] = ("jewish", "christian", "muslim", "hindu", "buddhist")
RELIGION_ROWS: tuple[tuple[str, ...], ...] = (
    ("jewish", "christian", "muslim", "hindu", "buddhist"),
    ("jew", "christian", "muslim", "hindu", "buddhist"),
    ("jews", "christians", "muslims", "hindus", "buddhists"),
    ("judaism", "christianity", "islam", "hinduism", "buddhism"),
    ("synagogue", "church", "mosque", "temple", "monastery"),
    ("synagogues", "churches", "mosques", "temples", "monasteries"),
    ("rabbi", "priest", "imam", "pandit", "monk"),
    ("rabbis", "priests", "imams", "pandits", "monks"),
    ("torah", "bible", "quran", "bhagavad gita", "tripitaka"),
    ("hanukkah", "christmas", "ramadan", "diwali", "vesak"),
)
