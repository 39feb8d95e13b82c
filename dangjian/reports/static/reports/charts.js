// Draws every chart of the page from the options the server computed (a JSON data island, not an
// inline script: the Content-Security-Policy forbids those).
document.addEventListener("DOMContentLoaded", function () {
  var island = document.getElementById("chart-options");
  if (!island || !window.echarts) { return; }
  var options = JSON.parse(island.textContent);
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var option = options[node.getAttribute("data-chart")];
    if (!option) { return; }
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    node.setAttribute("data-drawn", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
