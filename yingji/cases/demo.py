"""Demo accident cases (15, all invented and marked 演示 — none describes a real accident):
a spread of industries and GB 6441 types across 兰州's districts, recorded through the real
service by the 安全生产综合协调科 persona, dated in the past. Idempotent; fast."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.context import actor_context
from yingji.core.demo import dated, moment

from . import services
from .models import Case
from .schemas import AccidentCaseIn

MARK = "(演示案例)"
SOURCE = "演示数据:情节系虚构,不对应任何真实事故"

# (days ago, county, industry, type, deaths, serious, loss 万元, title, narrative, causes, lessons, tags)
CASES = [
    (
        40,
        "620104",
        "hazchem",
        "fire",
        0,
        1,
        85,
        "某石化储运企业储罐区火灾事故",
        "检修作业期间,储罐区一内浮顶储罐呼吸阀附近起火,企业专职消防队扑救约40分钟后扑灭。",
        "动火作业未办理作业票,未进行可燃气体检测;作业现场无监护人。",
        "严格执行特殊作业票证制度,动火前必须检测分析,落实专人监护。",
        ["动火作业", "储罐"],
    ),
    (
        400,
        "620104",
        "hazchem",
        "fire",
        1,
        0,
        160,
        "某化工助剂企业储罐区火灾事故",
        "储罐区检修过程中,作业人员在未清理的储罐附近动火,引燃泄漏的可燃气体发生火灾。",
        "动火作业未进行可燃气体检测,未办理作业票;安全管理人员未到场监护。",
        "动火作业前必须检测分析并办理作业票,落实监护责任。",
        ["动火作业", "储罐"],
    ),
    (
        150,
        "620104",
        "hazchem",
        "poisoning",
        2,
        1,
        210,
        "某精细化工企业受限空间中毒事故",
        "作业人员进入反应釜清理残渣时晕倒,另一名员工盲目施救,二人均中毒。",
        "未执行“先通风、再检测、后作业”;施救人员未佩戴呼吸器,盲目施救。",
        "受限空间作业必须检测合格;严禁盲目施救,配备正压式空气呼吸器。",
        ["受限空间", "盲目施救"],
    ),
    (
        260,
        "620111",
        "coal",
        "gas_explosion",
        3,
        2,
        620,
        "某煤矿采煤工作面瓦斯爆炸事故",
        "采煤工作面上隅角瓦斯积聚,遇电气设备失爆产生的火花发生爆炸。",
        "通风系统不合理,瓦斯监测探头位置不当;电气设备失爆未及时发现。",
        "强化通风管理和瓦斯监测,严格电气设备防爆检查。",
        ["瓦斯", "通风"],
    ),
    (
        330,
        "620121",
        "non_coal",
        "collapse",
        1,
        0,
        45,
        "某采石场边坡坍塌事故",
        "采石场台阶边坡在雨后发生坍塌,掩埋正在作业的一台挖掘机。",
        "未按设计分台阶开采,形成高陡边坡;雨后未进行边坡安全检查。",
        "按设计自上而下分台阶开采,雨后先检查后作业。",
        ["边坡", "雨季"],
    ),
    (
        90,
        "620102",
        "trade",
        "fire",
        0,
        0,
        32,
        "某商场电气线路火灾事故",
        "夜间商场内一商铺电气线路短路起火,自动喷水灭火系统启动,火势得到控制。",
        "商户私拉乱接电线,使用大功率电器;夜间值守人员巡查不到位。",
        "加强电气线路检查,禁止私拉乱接;落实夜间防火巡查。",
        ["电气火灾", "人员密集场所"],
    ),
    (
        210,
        "620103",
        "machinery",
        "machinery",
        1,
        0,
        60,
        "某机械制造企业冲压机伤害事故",
        "操作工在未停机情况下伸手调整冲压模具,被冲压机压伤致死。",
        "冲压机安全防护装置被拆除;操作工违章作业,企业安全培训不到位。",
        "恢复并定期检查安全防护装置;严禁设备运行时进行调整作业。",
        ["违章作业", "防护装置"],
    ),
    (
        60,
        "620105",
        "construction",
        "fall",
        1,
        0,
        40,
        "某建筑工地高处坠落事故",
        "工人在外脚手架上拆除模板时未系安全带,从12米高处坠落。",
        "高处作业未系安全带,脚手架防护栏杆缺失;现场安全员未制止违章行为。",
        "高处作业必须正确系挂安全带,完善临边防护。",
        ["高处作业", "脚手架"],
    ),
    (
        500,
        "620123",
        "gas",
        "other_explosion",
        1,
        3,
        130,
        "某餐饮店燃气爆炸事故",
        "餐饮店后厨燃气软管老化破裂,泄漏的燃气遇明火发生爆炸。",
        "燃气软管超期使用,未安装燃气泄漏报警装置;燃气企业入户安检不到位。",
        "更换金属软管并安装报警装置,落实燃气入户安检。",
        ["燃气", "餐饮"],
    ),
    (
        480,
        "620102",
        "gas",
        "other_explosion",
        0,
        2,
        70,
        "某小吃店液化气瓶泄漏爆炸事故",
        "小吃店液化石油气钢瓶减压阀连接处泄漏,燃气积聚后遇明火爆炸。",
        "使用不合格减压阀,气瓶与灶具同室存放,未安装泄漏报警装置。",
        "规范气瓶使用和存放,安装燃气泄漏报警装置。",
        ["燃气", "餐饮", "液化气"],
    ),
    (
        120,
        "620121",
        "transport",
        "vehicle",
        2,
        1,
        95,
        "某危险品运输车辆侧翻事故",
        "一辆运输液化气的槽罐车在国道弯道处侧翻,驾驶员和押运员死亡,未发生泄漏。",
        "驾驶员超速行驶,车辆动态监控报警未及时处置。",
        "落实动态监控和报警处置制度,严禁超速。",
        ["危险品运输", "超速"],
    ),
    (
        300,
        "620111",
        "metallurgy",
        "burn",
        0,
        2,
        50,
        "某铁合金企业矿热炉喷料灼烫事故",
        "矿热炉出炉作业时炉内发生喷料,高温物料灼伤两名作业人员。",
        "炉料潮湿导致喷料;作业人员未穿戴隔热防护服。",
        "加强原料水分控制,出炉作业必须穿戴隔热防护用品。",
        ["冶金", "高温熔融"],
    ),
    (
        180,
        "620103",
        "light",
        "electric",
        1,
        0,
        20,
        "某纺织企业员工触电事故",
        "维修工在带电情况下检修配电箱,触电死亡。",
        "未执行停电、验电、挂牌上锁制度;维修工无电工作业证。",
        "严格执行挂牌上锁制度,特种作业人员持证上岗。",
        ["触电", "特种作业"],
    ),
    (
        240,
        "620122",
        "building_materials",
        "lifting",
        1,
        0,
        35,
        "某建材企业起重伤害事故",
        "行车吊运钢模时吊具脱落,砸中下方作业人员。",
        "吊具磨损严重未及时更换;吊运时下方有人作业。",
        "定期检查吊索具,严禁吊物下方站人。",
        ["起重", "吊具"],
    ),
    (
        20,
        "620104",
        "hazchem",
        "poisoning",
        0,
        2,
        15,
        "某化工企业污水池硫化氢中毒事故",
        "两名员工在污水池旁清理格栅时吸入硫化氢气体中毒,经抢救脱险。",
        "未进行有毒气体检测,未佩戴防护用品;污水池未设置警示标志。",
        "有限空间及污水池作业必须检测、通风、佩戴防护用品。",
        ["受限空间", "硫化氢"],
    ),
]


def load_demo() -> dict:
    if Case.objects.filter(code__startswith="DEMO-AL-", is_demo=True).exists():
        return {"cases": 0}
    user = get_user_model().objects.filter(username="zhxt_staff").first()
    if user is None:
        return {"cases": 0}
    rng = random.Random(50)
    today = timezone.localdate()
    pks = []
    for n, row in enumerate(CASES, 1):
        (
            days,
            county,
            industry,
            kind,
            deaths,
            serious,
            loss,
            title,
            narrative,
            causes,
            lessons,
            tags,
        ) = row
        day = today - dt.timedelta(days=days)
        data = AccidentCaseIn(
            code=f"DEMO-AL-{n:03d}",
            title=title + MARK,
            occurred_on=day,
            region=county,
            place="演示地点",
            industry=industry,
            accident_type=kind,
            deaths=deaths,
            serious_injuries=serious,
            direct_loss_wan=Decimal(loss),
            narrative=narrative,
            causes=causes,
            lessons=lessons,
            tags=tags,
            source=SOURCE,
        )
        later = min(day + dt.timedelta(days=30), today)
        with actor_context(user, source="cli", label="demo"), dated(moment(later, rng)):
            pks.append(services.do_record_case(actor=user, data=data).pk)
    Case.objects.filter(pk__in=pks).update(is_demo=True)
    return {"cases": len(pks)}
