"""explorer/lib/text.py: splitting on separators that stand at the top level."""

from explorer.lib.text import split_top_level


def test_split_top_level_splits_on_commas_outside_brackets():
    assert split_top_level("a=b, c in (x, y),!d") == ["a=b", " c in (x, y)", "!d"]


def test_split_top_level_drops_blank_parts_and_keeps_the_others_as_they_stand():
    assert split_top_level(" a ,, ,b") == [" a ", "b"]
    assert split_top_level("") == []


def test_split_top_level_honours_the_brackets_it_is_given():
    assert split_top_level("1 : { a, b }, 2", brackets="{}") == ["1 : { a, b }", " 2"]


def test_split_top_level_ignores_separators_and_brackets_inside_quotes_when_asked():
    text = 'a comment "x, {y" : goto c, b'
    assert split_top_level(text, brackets="{}", quote='"') == ['a comment "x, {y" : goto c', " b"]
    assert split_top_level(text, brackets="{}") == ['a comment "x', ' {y" : goto c, b']


def test_split_top_level_splits_on_a_separator_of_more_than_one_character():
    text = "1 a {k: v. w}. 2 b, c. d"
    assert split_top_level(text, sep=". ", brackets="{}") == ["1 a {k: v. w}", "2 b, c", "d"]
    assert split_top_level("a, b,c", sep=", ") == ["a", "b,c"]


def test_a_stray_closing_bracket_does_not_hide_the_separators_after_it():
    assert split_top_level("a), b, c") == ["a)", " b", " c"]
