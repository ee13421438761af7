// The national workspace: draw each chart from the spec beside it. Every chart's data is
// also in a table on the page, so nothing is lost without JavaScript.
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

  var LEGIBLE = 540;  // px: the narrowest a chart is drawn (as on the dashboards' charts)

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-vega-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      // A chart that takes its container's width fits it; narrower than LEGIBLE its axis
      // titles and legend squeeze the plot to a sliver, so there it keeps that width and
      // scrolls inside its own labelled region (.chart), as the dashboards' charts do.
      if (spec.width === "container" && element.clientWidth < LEGIBLE) {
        spec.width = LEGIBLE;
      }
      window.vegaEmbed(element, spec, CHART_OPTIONS)
        .then(function () { element.setAttribute("data-rendered", "true"); })
        .catch(function () {
          element.textContent = "The chart could not be drawn: the table below holds everything it shows.";
        });
    });
  }

  document.addEventListener("DOMContentLoaded", drawCharts);
})();
