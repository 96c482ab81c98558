"""The sandbox's words agree with the checklists' lexicon (checklists/topics.yaml): a section name
names its topic, a post title carries its topic's keywords, a field label only its own field."""

from __future__ import annotations

import pytest

from inspector.sandbox import vocabulary as V
from inspector.sandbox.portal import FIELD_LABELS
from inspector.model.checklist import load_topics
from inspector.model.textnorm import Matcher

TOPICS = load_topics()


@pytest.mark.parametrize("topic,name", [(t, n) for t, names in V.SECTION_NAMES.items() for n in names])
def test_section_name_names_its_topic(topic, name):
    assert Matcher(name).find(TOPICS.topics[topic]["section_keywords"]), (topic, name)


@pytest.mark.parametrize("topic,template", [(t, x) for t, xs in V.TITLES.items() for x in xs])
def test_title_template_carries_its_topic_keywords(topic, template):
    title = template.format(x=V.SUBJECTS[0], y=2026, m=5, q="I", n=3, law=V.LAWS[0])
    keywords = TOPICS.topics[topic].get("topic_keywords")
    if keywords:
        assert Matcher(title).find(keywords), (topic, title)


@pytest.mark.parametrize("text", V.FILLER_TITLES + V.NEUTRAL_SENTENCES)
def test_filler_and_neutral_text_name_no_topic(text):
    text = text.format(x="trụ sở mới", n=6)
    hits = [t for t, spec in TOPICS.topics.items()
            if Matcher(text).find(spec.get("topic_keywords") or [])]
    # general news topics count every post of a news section; they have no topic keywords
    assert hits == [] or set(hits) <= {"chinh-tri-xa-hoi"}, (text, hits)


@pytest.mark.parametrize("field_set,field", [(s, f) for s, fs in FIELD_LABELS.items() for f in fs])
def test_field_label_shows_its_field_and_no_other(field_set, field):
    fields = TOPICS.field_sets[field_set]["fields"]
    label = Matcher(FIELD_LABELS[field_set][field])
    assert label.find(fields[field]), (field_set, field)
    others = [f for f, keywords in fields.items() if f != field and label.find(keywords)]
    assert others == [], (field_set, field, others)
