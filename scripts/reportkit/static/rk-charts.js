// Draw every chart of the page from its JSON data (plotly.js is served by the book itself), and
// redraw the charts in the theme's colours when the reader switches between light and dark.
(function () {
  "use strict";
  // The house style's light colours (reportkit/style.py) and what they become on a dark page.
  var DARK = {
    "#222222": "#e3e3e3", "#595959": "#b4b4b4", "#e5e5e5": "#3b3f45", "#888": "#9a9a9a", "#c8c8c8": "#5a5f66",
    "rgba(0,0,0,0.045)": "rgba(255,255,255,0.07)", "white": "BACKGROUND",
  };
  var figures = {};

  function dark() {
    return document.documentElement.dataset.theme === "dark";
  }

  function themed(json) {
    if (!dark()) return JSON.parse(json);
    var background = getComputedStyle(document.body).backgroundColor || "#121212";
    return JSON.parse(json, function (key, value) {
      if (typeof value !== "string" || !Object.prototype.hasOwnProperty.call(DARK, value)) return value;
      return DARK[value] === "BACKGROUND" ? background : DARK[value];
    });
  }

  function render(target, json) {
    var fig = themed(json);
    var layout = Object.assign({}, fig.layout, { autosize: true });
    delete layout.width;
    if (target.clientWidth < 520) {
      // On a phone, at most five year labels, level: they never collide.
      Object.keys(layout).forEach(function (key) {
        var axis = layout[key];
        if (/^xaxis\d*$/.test(key) && axis && axis.dtick && axis.tickformat === "d") {
          axis = Object.assign({}, axis, { nticks: 5, tickangle: 0 });
          delete axis.dtick;
          delete axis.tick0;
          layout[key] = axis;
        }
      });
    }
    window.Plotly.react(target, fig.data, layout, {
      responsive: true,
      displaylogo: false,
      // Readers use two buttons: save the image and undo a zoom.
      modeBarButtons: [["toImage", "resetScale2d"]],
      toImageButtonOptions: { filename: target.id, scale: 2 },
    });
    target.dataset.theme = dark() ? "dark" : "light";
  }

  function draw() {
    document.querySelectorAll("script.rk-plotly-data").forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target || target.dataset.drawn) return;
      target.dataset.drawn = "1";
      figures[target.id] = node.textContent;
      render(target, node.textContent);
    });
  }

  function redrawForTheme() {
    Object.keys(figures).forEach(function (id) {
      var target = document.getElementById(id);
      if (target && target.dataset.theme !== (dark() ? "dark" : "light")) render(target, figures[id]);
    });
  }

  new MutationObserver(redrawForTheme).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
