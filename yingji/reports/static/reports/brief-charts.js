/* 研判简报: one ECharts bar chart per entry of #brief-charts (json_script; no inline script,
   CSP). Names come from the snapshot (region names, labels): every text shown in a tooltip goes
   through yj.esc / yj.tooltip. A missing value (no data for the 环比/同比 period) stays empty. */
(function () {
  'use strict';
  var dataEl = document.getElementById('brief-charts');
  if (!dataEl || !window.echarts) { return; }
  var charts = JSON.parse(dataEl.textContent);
  document.querySelectorAll('.yj-brief-chart').forEach(function (el) {
    var spec = charts[Number(el.getAttribute('data-index'))];
    if (!spec) { return; }
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      title: {text: spec.title, left: 'center', textStyle: {fontSize: 13}},
      legend: {bottom: 0, formatter: function (name) { return name; }},
      grid: {left: 40, right: 16, top: 36, bottom: 56, containLabel: true},
      tooltip: {
        trigger: 'axis',
        formatter: function (items) {
          var parts = [items[0].name];
          items.forEach(function (p) {
            parts.push(p.seriesName + ':' + (p.value === null || p.value === undefined ? '—' : p.value));
          });
          return window.yj.tooltip.apply(null, parts);
        }
      },
      xAxis: {type: 'category', data: spec.names, axisLabel: {interval: 0, rotate: spec.names.length > 4 ? 30 : 0}},
      yAxis: {type: 'value', minInterval: 1},
      series: spec.series.map(function (s) {
        return {name: s.name, type: 'bar', data: s.values};
      })
    });
    el.setAttribute('data-loaded', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  });
}());
