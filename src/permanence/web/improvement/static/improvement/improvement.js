// The improvement record's pages: move focus to a form's error summary, and draw charts.
(function () {
  "use strict";

  // Drawn within the Content-Security-Policy: Vega interprets its expressions rather
  // than compiling them with Function() (ast: true), and neither vega-embed nor its
  // tooltip injects a <style> element (their styles are in site.css).
  var CHART_OPTIONS = {
    actions: false,
    renderer: "svg",
    ast: true,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true }
  };

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(element, spec, CHART_OPTIONS)
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function () {
          element.textContent = "The chart could not be drawn: the tables below hold everything it shows.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    drawCharts();
  });
})();
