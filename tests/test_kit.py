"""The shared kit: chart style, escaping, display bundle and the data loader."""

from __future__ import annotations

import base64
import json
import re

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest

from reportkit import charts, data, figures, style


def test_house_template_is_applied_with_title_and_axis_units():
    fig = style.apply(go.Figure(go.Bar(x=[1], y=[2])), title="A finding", x_title="Year", y_title="USD bn")
    assert fig.layout.template.layout.font.family == style.FONT
    assert fig.layout.title.text == "A finding" and fig.layout.yaxis.title.text == "USD bn"


def test_year_axis_ticks_are_whole_distinct_years():
    import plotly.io as pio

    df = pd.DataFrame({"year": [2021, 2022], "v": [1.0, 2.0]})
    fig = charts.lines(df, x="year", series={"v": "Value"}, title="t", x_title="Year", y_title="y", unit="u")
    svg = pio.to_image(fig, format="svg").decode()   # drawn by plotly.js in Chromium, as readers see it
    labels = re.findall(r'class="xtick".*?>([^<]+)</text>', svg)
    assert labels, "no x tick labels drawn"
    assert all(re.fullmatch(r"\d{4}", label) for label in labels), labels
    assert len(labels) == len(set(labels)), labels


def test_text_from_csv_is_escaped_in_charts():
    evil = "<script>alert(1)</script>"
    df = pd.DataFrame({"date": pd.to_datetime(["2025-02-12"]), "event": [evil], "kind": ["a"]})
    fig = charts.timeline(df, date="date", label="event", lane="kind", lanes={"a": "Lane"}, title="t")
    assert evil not in fig.data[0].text[0] and "&lt;script&gt;" in fig.data[0].text[0]
    bars = charts.bars(pd.DataFrame({"c": [evil], "v": [1]}), x="c", y="v", title="t", x_title="x", y_title="y", unit="u")
    assert list(bars.data[0].x) == ["&lt;script&gt;alert(1)&lt;/script&gt;"]


def test_figure_json_cannot_close_its_script_element():
    fig = go.Figure(go.Bar(x=["</script><script>alert(1)</script>"], y=[1]))
    text = figures.figure_json(fig)
    assert "</script>" not in text and "<" not in text
    assert json.loads(text)["data"][0]["x"][0].startswith("</script>")


@pytest.mark.parametrize("trace", [go.Scattergl(x=[1], y=[1]), go.Choropleth(locations=["FRA"], z=[1])])
def test_trace_types_outside_the_served_bundle_fail(trace):
    with pytest.raises(ValueError, match="basic bundle"):
        figures.check_traces(go.Figure(trace))


def test_chart_html_has_stable_id_alt_text_source_and_download():
    fig = go.Figure(go.Bar(x=[1], y=[1]))
    html = figures.chart_html(fig, name="nato-growth", alt='Alt "text" <b>', resources=["nato_members"])
    assert 'id="rk-nato-growth"' in html and 'data-target="rk-nato-growth"' in html
    assert 'aria-label="Alt &quot;text&quot; &lt;b&gt;"' in html
    assert 'href="../data/nato_members.csv"' in html and "Source: " in html


def test_bundle_holds_web_jupyterlab_and_vector_pdf(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("RK_STATIC_FIGURES", "1")   # as the book's build sets it
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    out = figures.bundle(fig, name="t", alt="alt", resources=["military_expenditure"])
    assert {"text/html", "application/vnd.plotly.v1+json", "application/pdf", "text/plain"} <= set(out)
    pdf = out["application/pdf"]
    assert pdf.startswith(b"%PDF") and b"/CreationDate (D:20231114221320" in pdf


def test_deferred_export_gives_the_pdf_the_kernel_would(monkeypatch):
    """The build exports charts in its own Chromium; the notebook ends up with the same PDF bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    inline = figures.bundle(fig, name="t", alt="alt", resources=["military_expenditure"], static="1")["application/pdf"]
    deferred = figures.bundle(fig, name="t", alt="alt", resources=["military_expenditure"], static="deferred")
    assert "application/pdf" not in deferred and figures.PRINT_MIME in deferred
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        outputs=[nbformat.v4.new_output("display_data", data=json.loads(json.dumps(deferred)))])])
    assert figures.export_deferred(notebook) == 1
    data = notebook.cells[0].outputs[0].data
    assert figures.PRINT_MIME not in data and base64.b64decode(data["application/pdf"]) == inline


def test_outside_the_build_charts_need_no_browser(monkeypatch):
    """A reader running a notebook gets web and JupyterLab outputs, and no PDF export (no Chromium needed)."""
    monkeypatch.delenv("RK_STATIC_FIGURES", raising=False)
    out = figures.bundle(go.Figure(go.Bar(x=[1], y=[1])), name="t", alt="alt", resources=["nato_members"])
    assert "application/pdf" not in out and "application/vnd.plotly.v1+json" in out


def test_bad_figure_name_is_refused():
    with pytest.raises(ValueError, match="figure name"):
        figures.bundle(go.Figure(go.Bar(x=[1], y=[1])), name="Bad Name", alt="a", resources=["nato_members"], static="")


def test_load_types_columns_from_the_schema():
    nato = data.load("nato_members")
    assert pd.api.types.is_datetime64_any_dtype(nato["accession_date"])
    shares = data.load("russia_partner_shares")
    assert shares["derived"].dtype == bool and shares["share_pct"].max() <= 100


def test_load_refuses_a_file_changed_since_validation(tmp_path, monkeypatch):
    copy = tmp_path / "nato_members.csv"
    copy.write_text((data.DATA_DIR / "nato_members.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(data.DataError, match="changed since it was validated"):
        data.load("nato_members")


def test_unknown_resource_names_the_known_ones():
    with pytest.raises(data.DataError, match="nato_members"):
        data.resource("no_such_table")


def test_source_line_names_the_publishers_of_the_rows_drawn_only():
    trade = data.load("china_russia_trade")
    drawn = trade[trade["grade"] != "C"].tail(2)
    line = figures.source_line(["china_russia_trade"], None, drawn)
    assert line.split(". ")[0] == "; ".join(dict.fromkeys(drawn["publisher"]))
    assert "grade C" not in line
    weak = trade[trade["grade"] == "C"]
    assert f"{len(weak)} figures graded C (weaker pages" in figures.source_line(["china_russia_trade"], None, weak)


def test_a_data_chart_must_say_which_rows_it_draws():
    with pytest.raises(ValueError, match="rows="):
        figures.show(go.Figure(go.Bar(x=[1], y=[1])), name="x", alt="x", resources="nato_members")


def test_year_lines_leave_gaps_for_missing_years():
    df = pd.DataFrame({"year": [2010, 2013], "v": [1.0, 2.0]})
    fig = charts.lines(df, x="year", series={"v": "Value"}, title="t", x_title="Year", y_title="y", unit="u")
    assert list(fig.data[0].x) == [2010, 2011, 2012, 2013]
    assert [v == v for v in fig.data[0].y] == [True, False, False, True]   # NaN where no figure
    assert fig.data[0].connectgaps is False


def test_subtitle_says_what_date_the_drawn_rows_run_to():
    votes = data.load("unga_ukraine_votes")
    fig = charts.lines(votes, x="date", years=False, series={"yes": "Yes"}, title="t", x_title=None, y_title="States", unit="states")
    html = figures.chart_html(fig, name="t", alt="a", resources=["unga_ukraine_votes"], rows=votes)
    assert f'<p class="rk-subtitle">States. Data to {votes["date"].max():%-d %b %Y}</p>' in html
    trade = data.load("china_russia_trade")
    full = trade[trade["period"] == "full year"]
    assert figures.data_as_of(full.to_dict("records")) == f"Data to {full['year'].max()}"
    if (trade["period"] != "full year").any():
        assert "(partial year)" in figures.data_as_of(trade.to_dict("records"))


@pytest.mark.parametrize(("values", "status"), [([100, 101], "no signal"), ([100, 95], "watch"), ([100, 80], "signal")])
def test_tracker_status_follows_its_written_threshold(values, status):
    from reportkit import tracker

    assert tracker._change_status(pd.Series(values), 0.15) == status


def test_tracker_reads_every_indicator_from_the_data():
    from reportkit import tracker

    table = tracker.readings()
    assert len(table) == len(tracker.INDICATORS)
    assert set(table["status"]) <= {tracker.NO_SIGNAL, tracker.WATCH, tracker.SIGNAL}
    assert table["grade"].isin(["A", "B", "C"]).all()
    trade = data.load("china_russia_trade", period="full year").iloc[-1]
    assert table.loc[0, "period"] == str(trade["year"]) and f"{trade['total_usd_bn']:.1f}" in table.loc[0, "latest"]
