/* 安全生产风险图: districts shaded by the risk index, enterprises as points in their risk colour,
   major hazard sources as diamonds. All layers come from /api/v1/risk/map/* (GeoJSON, filtered by
   the user's permissions); the boundaries are bundled with the platform (no tile server). Other
   apps' layers (open hazards, inspections) are drawn from the URLs listed in #extra-layers. */
(function () {
  'use strict';
  var el = document.getElementById('risk-map');
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var form = document.getElementById('map-filters');
  var hazardsBox = document.getElementById('f-hazards');
  var registered = false;
  // layers other apps add (hazards, inspections…): [{key, label, url}], see risk.views
  var layersEl = document.getElementById('extra-layers');
  var extraLayers = layersEl ? JSON.parse(layersEl.textContent) : [];

  function query() {
    var params = new URLSearchParams();
    ['sector', 'colour', 'tier', 'district'].forEach(function (k) {
      var v = form.elements[k].value;
      if (v) { params.set(k, v); }
    });
    return params.toString();
  }

  function getJSON(url) {
    return fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { if (!r.ok) { throw new Error(url + ' ' + r.status); } return r.json(); });
  }

  function fillTable(districts) {
    var body = document.querySelector('#district-table tbody');
    body.innerHTML = '';
    districts.features.forEach(function (f) {
      var p = f.properties, c = p.counts, tr = document.createElement('tr');
      [p.name, c.red, c.orange, c.yellow, c.blue, p.index].forEach(function (v) {
        var td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function fillList(ents) {
    var list = document.getElementById('map-list');
    list.innerHTML = '';
    ents.features.forEach(function (f) {
      var p = f.properties, li = document.createElement('li'), a = document.createElement('a'),
        badge = document.createElement('span');
      li.className = 'list-group-item d-flex justify-content-between align-items-center';
      a.href = '#'; a.textContent = p.name; a.setAttribute('data-enterprise', p.id);
      a.addEventListener('click', function (e) { e.preventDefault(); openCard(p.id); });
      badge.className = 'badge ' + (p.colour ? 'yj-level-' + p.colour : 'text-bg-light border');
      badge.textContent = p.colour_label + (p.major_hazard_grade ? ' · ' + p.major_hazard_grade + '重大危险源' : '');
      li.appendChild(a); li.appendChild(badge); list.appendChild(li);
    });
  }

  function openCard(id) {
    fetch('/risk/enterprises/' + id + '/card/', {credentials: 'same-origin'})
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var area = document.getElementById('card-area');
        area.innerHTML = html;
        if (window.htmx) { window.htmx.process(area); }
      });
  }

  function draw() {
    var q = query();
    Promise.all([
      getJSON('/api/v1/risk/map/districts?' + q),
      getJSON('/api/v1/risk/map/enterprises?' + q),
      hazardsBox.checked ? getJSON('/api/v1/risk/map/hazards?' + q) : Promise.resolve({features: []})
    ].concat(extraLayers.map(function (layer) {
      var box = document.getElementById('f-layer-' + layer.key);
      return box && box.checked ? getJSON(layer.url + (layer.url.indexOf('?') < 0 ? '?' : '&') + q)
        : Promise.resolve({features: []});
    }))).then(function (res) {
      var districts = res[0], ents = res[1], hazards = res[2];
      var extraSeries = extraLayers.map(function (layer, i) {
        return {name: 'layer:' + layer.key, type: 'scatter', coordinateSystem: 'geo', zlevel: 4,
          data: res[3 + i].features.map(function (f) {
            var st = f.properties.style || {};
            return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
              symbol: st.symbol || 'pin', symbolSize: st.size || 10,
              itemStyle: {color: st.color || '#333', borderColor: st.border || '#fff', borderWidth: 1}};
          })};
      });
      if (!registered) { echarts.registerMap('lanzhou-risk', districts); registered = true; }
      fillTable(districts);
      fillList(ents);
      var maxIndex = Math.max(1, Math.max.apply(null, districts.features.map(function (f) { return f.properties.index; })));
      document.getElementById('map-count').textContent = '企业 ' + ents.features.length + ' 家,重大危险源 ' + hazards.features.length + ' 个';
      chart.setOption({
        // every text goes through yj.tooltip (escaped once, there): names and labels are user-written
        tooltip: {trigger: 'item', formatter: function (p) {
          var tip = window.yj.tooltip;
          if (p.seriesType === 'map') { return tip(p.name, '区域风险指数:' + (p.value || 0)); }
          var d = p.data.props;
          if (p.seriesName === 'hazards') { return tip('重大危险源:' + d.enterprise_name + ' · ' + d.name, d.grade + ',R=' + d.R); }
          if (p.seriesName.indexOf('layer:') === 0) { return tip(d.label); }
          return tip(d.name, d.region_name + ' · ' + d.sector_label + ' · ' + d.tier_label, '风险等级:' + d.colour_label);
        }},
        visualMap: {min: 0, max: maxIndex, seriesIndex: 0, left: 10, bottom: 10, text: ['风险指数高', '低'],
          inRange: {color: ['#f4f7fb', '#f7d9a8', '#ef8a62', '#c8352b']}, calculable: true},
        geo: {map: 'lanzhou-risk', roam: true, nameProperty: 'name', label: {show: true, fontSize: 11},
          itemStyle: {borderColor: '#0b3d6e'}, emphasis: {label: {show: true}}},
        series: [
          {name: 'districts', type: 'map', geoIndex: 0,
            data: districts.features.map(function (f) { return {name: f.properties.name, value: f.properties.index}; })},
          {name: 'enterprises', type: 'scatter', coordinateSystem: 'geo', symbol: 'circle', symbolSize: 9, zlevel: 2,
            data: ents.features.map(function (f) {
              return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
                itemStyle: {color: f.properties.colour_hex, borderColor: '#fff', borderWidth: 1}};
            })},
          {name: 'hazards', type: 'scatter', coordinateSystem: 'geo', symbol: 'diamond', symbolSize: 15, zlevel: 3,
            data: hazards.features.map(function (f) {
              return {name: f.properties.name, value: f.geometry.coordinates, props: f.properties,
                itemStyle: {color: 'rgba(0,0,0,0)', borderColor: '#6a0dad', borderWidth: 2}};
            })}
        ].concat(extraSeries)
      }, {replaceMerge: ['series']});
      el.setAttribute('data-loaded', String(ents.features.length));
    }).catch(function (err) {
      document.getElementById('map-count').textContent = '地图数据加载失败:' + err.message;
    });
  }

  chart.on('click', function (p) {
    if (!p.data || !p.data.props) { return; }
    if (p.seriesName === 'enterprises') { openCard(p.data.props.id); }
    if (p.seriesName === 'hazards') { openCard(p.data.props.enterprise_id); }
    if (p.seriesName.indexOf('layer:') === 0 && p.data.props.url) { window.location.href = p.data.props.url; }
  });
  form.addEventListener('change', draw);
  window.addEventListener('resize', function () { chart.resize(); });
  window.yjRiskMap = {chart: chart, openCard: openCard, redraw: draw};
  draw();
}());
