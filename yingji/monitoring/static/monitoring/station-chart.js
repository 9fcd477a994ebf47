/* 监测站点: one ECharts time series per element, from /api/v1/monitoring/stations/{code}/series.
   The chart list comes from #station-charts (json_script); no inline script (CSP). Text in
   tooltips goes through yj.esc / yj.tooltip. The range buttons (#series-range: 24 h / 7 d /
   30 d) reload every chart; beyond 72 h the API answers hourly aggregates (sum of rain, mean
   of the others). Instantaneous rule thresholds are drawn as lines in their level's colour. */
(function () {
  'use strict';
  var dataEl = document.getElementById('station-charts');
  if (!dataEl || !window.echarts) { return; }
  var charts = JSON.parse(dataEl.textContent);
  var COLOURS = {blue: '#1f6fd1', yellow: '#e0b000', orange: '#f07c00', red: '#d62728'};
  var LABELS = {blue: '蓝', yellow: '黄', orange: '橙', red: '红'};
  var instances = [];

  function draw(el, chart, spec, hours) {
    el.removeAttribute('data-loaded');
    var url = spec.url + '&hours=' + hours;
    fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) { throw new Error(url + ' ' + r.status); } return r.json(); })
      .then(function (data) {
        var points = data.points.map(function (p) { return [p.time, p.value]; });
        var aggregated = data.resolution !== 'raw';
        var lines = (spec.thresholds || []).map(function (t) {
          return {yAxis: t.value, lineStyle: {color: COLOURS[t.level] || '#888', type: 'dashed'},
                  label: {formatter: LABELS[t.level] + ' ' + t.value, color: COLOURS[t.level] || '#888'}};
        });
        chart.clear();
        chart.setOption({
          animation: false,
          grid: {left: 50, right: 50, top: 16, bottom: 40},
          tooltip: {
            trigger: 'axis',
            formatter: function (items) {
              var p = items[0];
              var what = aggregated ? (spec.element === 'rain' ? '(时段累计)' : '(时段平均)') : '';
              return window.yj.tooltip(new Date(p.value[0]).toLocaleString('zh-CN'),
                spec.name + what + ':' + Math.round(p.value[1] * 100) / 100 + ' ' + data.unit);
            }
          },
          xAxis: {type: 'time'},
          yAxis: {type: 'value', name: data.unit},
          series: [{type: spec.element === 'rain' ? 'bar' : 'line', data: points, showSymbol: false,
                    markLine: lines.length ? {symbol: 'none', silent: true, data: lines} : undefined}]
        });
        if (!points.length) {
          chart.setOption({title: {text: '暂无数据', left: 'center', top: 'middle', textStyle: {fontSize: 13, color: '#888'}}});
        }
        el.setAttribute('data-resolution', data.resolution);
        el.setAttribute('data-loaded', String(points.length));
      })
      .catch(function () { el.textContent = '数据加载失败'; });
  }

  document.querySelectorAll('.yj-series').forEach(function (el) {
    var spec = charts[Number(el.getAttribute('data-index'))];
    if (!spec) { return; }
    var chart = echarts.init(el);
    instances.push([el, chart, spec]);
    draw(el, chart, spec, 72);
  });
  document.querySelectorAll('#series-range [data-hours]').forEach(function (button) {
    button.addEventListener('click', function () {
      document.querySelectorAll('#series-range [data-hours]').forEach(function (b) {
        b.classList.toggle('active', b === button);
      });
      instances.forEach(function (i) { draw(i[0], i[1], i[2], Number(button.getAttribute('data-hours'))); });
    });
  });
}());
