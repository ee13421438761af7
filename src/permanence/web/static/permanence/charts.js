// The dashboards' charts in the page: each Vega-Lite spec (made on the server by
// permanence.charts, embedded as JSON) drawn with vega-embed as SVG; the address of the
// view copied for sharing; and, for printing, each chart's server-rendered image.
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

  var LEGIBLE = 540;  // px: the narrowest a chart is drawn
  var views = {};
  window.permanenceCharts = views;

  // A dot or bar that opens a child's journey carries the address as data-href, so the
  // page (and its tests) can see where it leads; vega itself follows the link on click.
  function markLinks(view) {
    var stack = [view.scenegraph().root];
    while (stack.length) {
      var item = stack.pop();
      if (item.items) { stack.push.apply(stack, item.items); }
      if (item.href && item._svg) { item._svg.setAttribute("data-href", item.href); }
    }
  }

  function drawCharts() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-chart-spec]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart-spec"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      // A chart that takes its container's width fits it, padding and legend included,
      // and follows it when the window changes (the core spec leaves sizing to the page).
      // Narrower than LEGIBLE its axis titles and legend squeeze the plot to a sliver, so
      // there the chart keeps that width and scrolls inside its own region (.chart).
      if (spec.width === "container" && element.clientWidth < LEGIBLE) {
        spec.width = LEGIBLE;
      }
      if (!spec.autosize) {
        spec.autosize = { type: "fit", contains: "padding", resize: spec.width === "container" };
      }
      window.vegaEmbed(element, spec, CHART_OPTIONS)
        .then(function (result) {
          views[element.id] = result.view;
          markLinks(result.view);
          result.view.addEventListener("resize", function () {
            window.setTimeout(function () { markLinks(result.view); }, 0);
          });
          element.setAttribute("data-rendered", "true");
        })
        .catch(function () {
          element.textContent = "The chart could not be drawn: its data is in the table below.";
        });
    });
  }

  // Printing: each chart prints as the PNG the server renders from the same spec. The
  // images are fetched only when someone prints, never on an ordinary visit, and one at a
  // time: each is drawn on the server, and a page asking for all of them at once would
  // take every worker a small server has (and, on the embedded database, share its one
  // connection between them). Asked twice (the print event and the print media change
  // both fire), the same loading is returned.
  var printImagesLoading = null;

  function loadPrintImage(image) {
    var figure = image.closest(".chart-figure");
    return new Promise(function (resolve) {
      image.addEventListener("load", function () {
        if (figure) { figure.classList.add("print-ready"); }
        resolve();
      }, { once: true });
      image.addEventListener("error", function () { resolve(); }, { once: true });
      image.setAttribute("src", image.getAttribute("data-print-src"));
    });
  }

  function loadPrintImages() {
    if (printImagesLoading) { return printImagesLoading; }
    var images = Array.prototype.filter.call(
      document.querySelectorAll("img[data-print-src]"),
      function (image) { return !image.getAttribute("src"); }
    );
    printImagesLoading = images.reduce(function (loaded, image) {
      return loaded.then(function () { return loadPrintImage(image); });
    }, Promise.resolve());
    return printImagesLoading;
  }
  window.permanencePrintImages = loadPrintImages;

  function watchPrinting() {
    window.addEventListener("beforeprint", loadPrintImages);
    var media = window.matchMedia("print");
    var onChange = function (event) { if (event.matches) { loadPrintImages(); } };
    if (media.addEventListener) { media.addEventListener("change", onChange); }
    document.querySelectorAll("[data-print-page]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        loadPrintImages().then(function () { window.print(); });
      });
    });
  }

  function copyAddress() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { if (status) { status.textContent = "The address is copied: paste it to share this view."; } };
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(done, function () {
            document.execCommand("copy");
            done();
          });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    });
  }

  // A long data table is not sent with the page: opening "show the data as a table"
  // fetches the table's own page and puts its table here (the link stays for no script).
  function loadLongTables() {
    document.querySelectorAll("details[data-table-src]").forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open || details.getAttribute("data-loaded")) { return; }
        details.setAttribute("data-loaded", "loading");
        var holder = details.querySelector(".ds_details__text");
        fetch(details.getAttribute("data-table-src"), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
          .then(function (text) {
            var page = new DOMParser().parseFromString(text, "text/html");
            var region = page.getElementById(details.getAttribute("data-table-region"));
            if (region && holder) {
              holder.replaceChildren(document.importNode(region, true));
              details.setAttribute("data-loaded", "true");
            }
          })
          .catch(function () { details.removeAttribute("data-loaded"); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    loadLongTables();
    watchPrinting();
    copyAddress();
  });
})();
