/* 灾害信息员覆盖: the counties coloured by the share of their villages with an active officer
   (the region data has no township or village geometry); the text beside the colour in the
   tooltip, escaped through yj.tooltip; a click filters the page to the county. */
(function () {
  'use strict';
  var el = document.getElementById('coverage-map');
  var dataEl = document.getElementById('coverage-data');
  if (!el || !dataEl || !window.echarts) { return; }
  var rows = JSON.parse(dataEl.textContent);
  var chosen = el.getAttribute('data-county');
  fetch(el.getAttribute('data-geojson'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-coverage', geo);
      var chart = echarts.init(el);
      var data = rows.map(function (r) {
        var c = r.counts;
        return {name: r.name, code: r.code, value: r.share,
          itemStyle: {areaColor: r.colour, borderColor: r.code === chosen ? '#000' : '#fff',
            borderWidth: r.code === chosen ? 3 : 1},
          emphasis: {itemStyle: {areaColor: r.colour, borderColor: '#000', borderWidth: 2}},
          tip: r.name + ':村(社区)' + r.villages + '个,A、B岗齐全' + c.full + '个,仅A岗或仅B岗' +
            c.single + '个,无信息员' + c.none + '个(覆盖率' + (r.share === null ? '—' : r.share) + '%,' + r.band + ')'};
      });
      chart.setOption({
        tooltip: {confine: true, formatter: function (p) { return window.yj.tooltip(p.data ? p.data.tip : p.name); }},
        series: [{type: 'map', map: 'lanzhou-coverage', nameProperty: 'name', roam: true,
          label: {show: true}, data: data}]
      });
      el.setAttribute('data-drawn', String(data.length));
      chart.on('click', function (p) {
        if (p.data && p.data.code) { window.location.search = '?county=' + encodeURIComponent(p.data.code); }
      });
    });
}());
