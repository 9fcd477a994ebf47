/* 绘制范围: a click on the map adds a vertex; the ring (closed: the first point again at the
   end) is written to the CAP polygon field as "lat,lon" pairs; editing the field redraws it.
   The server checks it (≥ 4 points, closed, inside 兰州市) in the shared schema. */
(function () {
  'use strict';
  var el = document.getElementById('polygon-map');
  var field = document.getElementById('f-polygon');
  var status = document.getElementById('polygon-status');
  if (!el || !field || !window.echarts) { return; }
  var chart = echarts.init(el);
  var points = [];  // [lon, lat] vertices, not closed

  function parse(text) {
    var out = [];
    text.trim().split(/\s+/).forEach(function (pair) {
      var p = pair.split(',');
      if (p.length === 2 && !isNaN(parseFloat(p[0])) && !isNaN(parseFloat(p[1]))) {
        out.push([parseFloat(p[1]), parseFloat(p[0])]);
      }
    });
    if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) {
      out.pop();
    }
    return out;
  }

  function write() {
    if (points.length < 3) {
      field.value = '';
    } else {
      field.value = points.concat([points[0]]).map(function (p) {
        return p[1].toFixed(6) + ',' + p[0].toFixed(6);
      }).join(' ');
    }
  }

  function draw() {
    var ring = points.length >= 3 ? points.concat([points[0]]) : points;
    chart.setOption({series: [
      {id: 'ring', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: true,
        lineStyle: {color: '#d62728', width: 2},
        data: ring.length > 1 ? [{coords: ring}] : []},
      {id: 'vertices', type: 'scatter', coordinateSystem: 'geo', symbolSize: 8, silent: true,
        itemStyle: {color: '#d62728'}, data: points}
    ]});
    status.textContent = points.length ? ('已选 ' + points.length + ' 个顶点' +
      (points.length < 3 ? ',至少需要 3 个' : ',已闭合')) : '未绘制(可选)';
    el.setAttribute('data-vertices', String(points.length));
  }

  fetch(el.getAttribute('data-boundaries'), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      echarts.registerMap('lanzhou-warning', geo);
      chart.setOption({
        geo: {map: 'lanzhou-warning', roam: 'scale', nameProperty: 'name', silent: true,
          label: {show: true, color: '#555', fontSize: 10},
          itemStyle: {areaColor: '#f1f5f9', borderColor: '#0b3d6e'}},
        series: []
      });
      points = parse(field.value);
      draw();
      chart.getZr().on('click', function (e) {
        var p = chart.convertFromPixel('geo', [e.offsetX, e.offsetY]);
        if (!p || isNaN(p[0])) { return; }
        points.push([Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]);
        write();
        draw();
      });
      el.setAttribute('data-loaded', '1');
    });

  document.getElementById('polygon-undo').addEventListener('click', function () {
    points.pop(); write(); draw();
  });
  document.getElementById('polygon-clear').addEventListener('click', function () {
    points = []; write(); draw();
  });
  // a pasted or typed ring is drawn, and closed in the field once it has 3 vertices
  field.addEventListener('change', function () {
    points = parse(field.value);
    if (points.length >= 3) { write(); }
    draw();
  });
}());
