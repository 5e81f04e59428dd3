// Draw every chart of the page from its JSON data; plotly.js is served by the book itself.
(function () {
  "use strict";
  function draw() {
    document.querySelectorAll("script.rk-plotly-data").forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target || target.dataset.drawn) return;
      var fig = JSON.parse(node.textContent);
      var layout = Object.assign({}, fig.layout, { autosize: true });
      delete layout.width;
      target.dataset.drawn = "1";
      window.Plotly.newPlot(target, fig.data, layout, {
        responsive: true,
        displaylogo: false,
        modeBarButtonsToRemove: ["select2d", "lasso2d"],
        toImageButtonOptions: { filename: node.dataset.target },
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
