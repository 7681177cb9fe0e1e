"""Benchmark data sets: a registry, local resolution with download, and loaders.

Where data comes from, in order: the ``data_dir`` argument (CLI ``--data-dir``), the
``FAIRLM_DATA_DIR`` environment variable, the user cache (``$FAIRLM_CACHE_DIR/data``,
``$XDG_CACHE_HOME/fairlm/data`` or ``~/.cache/fairlm/data``), else a download into the
cache. Every file is checked against its sha256 on first use. Loaders use only the
standard library and return lists of small frozen dataclasses with a stable ``id``.

>>> from fairlm.data import load_crows_pairs
>>> pairs = load_crows_pairs()  # doctest: +SKIP
>>> len(pairs), pairs[0].bias_type  # doctest: +SKIP
(1508, 'race-color')
"""

from fairlm.data._bbq import BBQ_CATEGORIES, BBQExample, load_bbq
from fairlm.data._bold import BOLD_DOMAINS, BoldPrompt, load_bold
from fairlm.data._cbbq import CBBQ_CATEGORIES, CBBQExample, load_cbbq
from fairlm.data._cda import load_cda_pairs
from fairlm.data._chbias import CHBIAS_CATEGORIES, CHBiasPair, load_chbias
from fairlm.data._check import FileCheck, check_dataset
from fairlm.data._crows_pairs import CrowsPair, load_crows_pairs
from fairlm.data._decodingtrust import (
    DECODINGTRUST_FAIRNESS_SETS,
    DecodingTrustFairnessPrompt,
    DecodingTrustStereotypes,
    DecodingTrustSystemPrompt,
    DecodingTrustUserPrompt,
    decodingtrust_counterfactual,
    load_decodingtrust_fairness,
    load_decodingtrust_stereotypes,
)
from fairlm.data._discrim_eval import DiscrimEvalPrompt, read_discrim_eval
from fairlm.data._download import BASE_URL_ENV, download
from fairlm.data._holistic_bias import (
    HolisticBiasDescriptor,
    HolisticBiasNoun,
    HolisticBiasNounPhrase,
    HolisticBiasTemplate,
    HolisticBiasTerms,
    load_holistic_bias,
)
from fairlm.data._langfair import LangFairPrompt, langfair_fixed_count, load_langfair_templates
from fairlm.data._registry import DatasetInfo, FileSpec, License, dataset_names, get_dataset
from fairlm.data._resolve import (
    CACHE_DIR_ENV,
    DATA_DIR_ENV,
    Location,
    cache_dir,
    dataset_path,
    locate,
    resolve,
)
from fairlm.data._seat import SeatSet, SeatTest, load_seat, seat_test_names
from fairlm.data._stereoset import StereoSetExample, load_stereoset
from fairlm.data._truthfulqa import (
    TRUTHFULQA_VERSIONS,
    TruthfulQAQuestion,
    TruthfulQARow,
    load_truthfulqa,
    load_truthfulqa_csv,
)
from fairlm.data._winobias import WinoBiasExample, load_winobias
from fairlm.data._xstest import XSTestPrompt, load_xstest

__all__ = [
    # registry
    "DatasetInfo",
    "FileSpec",
    "License",
    "dataset_names",
    "get_dataset",
    # resolution and download
    "DATA_DIR_ENV",
    "CACHE_DIR_ENV",
    "BASE_URL_ENV",
    "Location",
    "cache_dir",
    "locate",
    "resolve",
    "dataset_path",
    "download",
    "FileCheck",
    "check_dataset",
    # loaders
    "CrowsPair",
    "load_crows_pairs",
    "StereoSetExample",
    "load_stereoset",
    "WinoBiasExample",
    "load_winobias",
    "BBQ_CATEGORIES",
    "BBQExample",
    "load_bbq",
    "SeatSet",
    "SeatTest",
    "load_seat",
    "seat_test_names",
    "BOLD_DOMAINS",
    "BoldPrompt",
    "load_bold",
    "HolisticBiasDescriptor",
    "HolisticBiasNoun",
    "HolisticBiasNounPhrase",
    "HolisticBiasTemplate",
    "HolisticBiasTerms",
    "load_holistic_bias",
    "load_cda_pairs",
    "TRUTHFULQA_VERSIONS",
    "TruthfulQAQuestion",
    "TruthfulQARow",
    "load_truthfulqa",
    "load_truthfulqa_csv",
    "XSTestPrompt",
    "load_xstest",
    "DecodingTrustUserPrompt",
    "DecodingTrustSystemPrompt",
    "DecodingTrustStereotypes",
    "load_decodingtrust_stereotypes",
    "DECODINGTRUST_FAIRNESS_SETS",
    "DecodingTrustFairnessPrompt",
    "load_decodingtrust_fairness",
    "decodingtrust_counterfactual",
    "LangFairPrompt",
    "load_langfair_templates",
    "langfair_fixed_count",
    "DiscrimEvalPrompt",
    "read_discrim_eval",
    "CBBQ_CATEGORIES",
    "CBBQExample",
    "load_cbbq",
    "CHBIAS_CATEGORIES",
    "CHBiasPair",
    "load_chbias",
]
