"""What national rules the platform applies, where each comes from, how sure we are of it and
where a user may change it — the one list the 系统设置 page shows (issue #12: the confidence notes
of the code's docstrings, in Chinese, where an administrator sees them).

Confidence follows standards-digest.md: 高 (read in the source, or every public source agrees),
中 (one secondary source, or a convention), 低 (not confirmed: always configurable, never fact).
Each entry names the module that implements it; a test checks every module here exists and that
every standards module is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIDENCE_LABELS = {"HIGH": "高", "MEDIUM": "中", "LOW": "低"}


@dataclass(frozen=True)
class Entry:
    module: str  # yingji.standards.<module>
    title: str
    source: str
    parts: tuple[tuple[str, str, str], ...]  # (what, confidence, where it can be changed)

    @property
    def lowest(self) -> str:
        order = ["LOW", "MEDIUM", "HIGH"]
        return min((p[1] for p in self.parts), key=order.index)


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        "gb18218",
        "危险化学品重大危险源辨识",
        "GB 18218-2018(标准摘要 §1)",
        (("表1 85 种危险化学品临界量、表2 类别临界量、R 值分级", "HIGH", "数据文件,可整表替换"),),
    ),
    Entry(
        "risk_grading",
        "危险化学品生产储存企业安全风险评估诊断分级",
        "应急厅〔2018〕19号(标准摘要 §2)",
        (
            ("分数色带(≥90 蓝、75–90 黄、60–75 橙、<60 红)与四项直接判红条件", "HIGH", "—"),
            ("各项目权重与扣分值(取自一份公开实现)", "MEDIUM", "数据文件,可整表替换"),
        ),
    ),
    Entry(
        "risk_colours",
        "风险四色分级",
        "安委办〔2016〕11号(标准摘要 §3.1)",
        (("重大/较大/一般/低 ↔ 红/橙/黄/蓝", "HIGH", "—"),),
    ),
    Entry(
        "lec",
        "作业条件危险性评价(LEC)与风险矩阵(LS)",
        "标准摘要 §3.2–§3.3",
        (
            ("L、E、C 取值表", "HIGH", "—"),
            ("D 值分级界限 70/160/320 及边界归属(行业惯例)", "MEDIUM", "系统设置 → 风险分级参数"),
            (
                "LS 矩阵分级阈值(无国家标准,A/B 两种做法仅 R=9 不同)",
                "LOW",
                "系统设置 → 风险分级参数",
            ),
        ),
    ),
    Entry(
        "hazards",
        "事故隐患分级与化工重大隐患判定",
        "安监总局令第16号 第三条、第十五条;安监总管三〔2017〕121号(标准摘要 §4)",
        (
            ("一般隐患与重大隐患的划分", "HIGH", "—"),
            ("化工和危险化学品重大隐患 20 种情形", "HIGH", "数据文件"),
            ("重大隐患治理方案的内容", "MEDIUM", "—"),
            ("一责三排 排序权重(本平台默认值,非国家规定)", "LOW", "代码参数 PriorityWeights"),
        ),
    ),
    Entry(
        "major_hazard_criteria",
        "各行业重大事故隐患判定标准",
        "安监总管三〔2017〕121号;应急管理部令第4号(煤矿);矿安〔2022〕88号;应急管理部令第10号(工贸);"
        "安监总管三〔2017〕121号(烟花爆竹部分);GB 35181-2025(消防);建城规〔2023〕4号(城镇燃气)",
        (
            ("引用任一判定条款即为重大事故隐患", "HIGH", "—"),
            ("化工 20 项、煤矿 15 个方面、工贸第三条和第四条(一)至(四)的条文", "HIGH", "数据文件"),
            ("金属非金属矿山部分条文(读自摘录)", "MEDIUM", "数据文件"),
            ("烟花爆竹 20 项(读自两份一致的公开转录,非官方原文)", "MEDIUM", "数据文件"),
            (
                "消防直接判定 10 种情形(按 2017 版凭记忆)、燃气 8 项(凭记忆):未对照原文",
                "LOW",
                "设置 YINGJI_HAZARD_CRITERIA_LOW(off 即停用)",
            ),
            (
                "工贸其余条款:仅分类标题,条号推定,待对照原文补录",
                "LOW",
                "数据文件 major_hazard_criteria.json",
            ),
            ("企业行业 → 适用标准的对应关系(本平台约定)", "MEDIUM", "数据文件"),
        ),
    ),
    Entry(
        "hazard_returns",
        "隐患排查治理情况统计分析表",
        "安监总局令第16号 第十四条",
        (
            ("每季度、每年报送统计分析表,主要负责人签字", "MEDIUM", "—"),
            (
                "报送期限:下一季度15日前、下一年1月31日前",
                "LOW",
                "系统设置 → 隐患治理设置(季度报送天数、年度截止日)",
            ),
            ("统计表的栏目(16号令未规定格式,本平台约定)", "LOW", "代码 hazard_returns.figures"),
        ),
    ),
    Entry(
        "cma_signals",
        "气象灾害预警信号(暴雨)",
        "中国气象局令第16号 附件《气象灾害预警信号及防御指南》(标准摘要 §5.2)",
        (("暴雨蓝/黄/橙/红 的时段与雨量阈值", "HIGH", "监测预警 → 告警规则"),),
    ),
    Entry(
        "cap",
        "预警信息级别、唯一标识与 CAP 1.2 报文",
        "突发事件应对法(2024修订)第六十三条;GB/T 35965.1-2018 附录A;OASIS CAP 1.2(标准摘要 §5.1、§6)",
        (
            ("预警级别 一级红、二级橙、三级黄、四级蓝", "HIGH", "—"),
            ("CAP 1.2 必备元素与代码表", "HIGH", "—"),
            ("预警信息唯一标识的结构(ZZZZZZDDDUUUXX_时间_N)", "MEDIUM", "—"),
            ("发布单位机构代码 DDD(本局代码未确认,默认 000)", "LOW", "配置项 WARNINGS_AGENCY_CODE"),
            ("颜色与 CAP severity 的对应(通行做法)", "MEDIUM", "数据文件 cap_profile.json"),
            ("urgency / certainty 默认值(本平台默认)", "LOW", "数据文件 cap_profile.json"),
        ),
    ),
    Entry(
        "accidents",
        "生产安全事故分级与报告时限",
        "国务院令第493号 第三、九、十、十一、十三、十九条;原安监总局令第21号(标准摘要 §9)",
        (
            ("特别重大/重大/较大/一般 的死亡、重伤、直接经济损失界限", "HIGH", "—"),
            ("1 小时上报、逐级 2 小时、续报频次、30 日(交通和火灾 7 日)补报", "HIGH", "—"),
            ("较大涉险事故的五种情形", "HIGH", "—"),
        ),
    ),
    Entry(
        "event_clocks",
        "值班报告时钟(电话快报与非事故类事件)",
        "原安监总局令第21号(标准摘要 §9.1);非生产安全事故类事件的时限为本平台默认",
        (
            ("较大及以上事故 1 小时内电话快报省级", "HIGH", "—"),
            (
                "自然灾害等非事故类事件沿用 2 小时上报、每日续报(值班室惯例)",
                "LOW",
                "配置项 YINGJI_EVENT_FOLLOW_UP_HOURS",
            ),
        ),
    ),
    Entry(
        "response_levels",
        "应急响应级别(Ⅰ–Ⅳ级)",
        "突发事件应对法(2024修订)第三条;国家突发公共事件总体应急预案(标准摘要 §7)",
        (
            ("四级划分,Ⅰ级最高", "HIGH", "—"),
            ("启动、调整、终止由预案指定的负责人决定", "MEDIUM", "—"),
            ("事件等级对应的建议响应级别(仅作提示)", "LOW", "由带班领导决定并说明理由"),
        ),
    ),
    Entry(
        "relief_levels",
        "自然灾害救助应急响应分级(一级–四级)",
        "国家自然灾害救助应急预案(国办函〔2024〕11号)第五部分;2016 版用于历史数据(标准摘要 §7)",
        (
            ("一级启动条件(死亡和失踪≥200人等)", "HIGH", "—"),
            ("二级至四级启动条件(未核对原文)", "LOW", "配置项 YINGJI_RELIEF_LEVELS"),
            ("甘肃省、兰州市预案的本地门槛(未读到)", "LOW", "配置项 YINGJI_RELIEF_LEVELS"),
        ),
    ),
    Entry(
        "disaster_stats",
        "自然灾害情况统计(指标、逻辑校验、报送时限、汇总)",
        "《自然灾害情况统计调查制度》(应急〔2020〕19号)",
        (
            ("快报表指标与单位", "MEDIUM", "—"),
            ("逻辑校验(成灾≤受灾、绝收≤成灾、间≥户、分项之和等)", "MEDIUM", "—"),
            ("县级初报 2 小时", "MEDIUM", "灾情报送 → 报送时限"),
            ("续报每日时点、核报天数、乡镇和村级时限(待核)", "LOW", "灾情报送 → 报送时限"),
        ),
    ),
    Entry(
        "quake",
        "地震烈度快速估计(椭圆衰减)",
        "GB 18306-2015 烈度衰减关系;汪素云等(2000)西部地区(标准摘要 §10)",
        (
            ("衰减系数与长短轴关系", "MEDIUM", "数据文件 quake_attenuation.json"),
            ("不考虑震源深度、断层走向未知时给出上下限", "MEDIUM", "—"),
        ),
    ),
    Entry(
        "supplies",
        "应急物资分类编码与距离估计",
        "GB/T 38565-2020《应急物资分类及编码》§5.2(代码结构);球面距离为公开公式",
        (
            ("四层七位代码结构、三个大类、99 收容类目", "MEDIUM", "—"),
            (
                "中类名称与物资代码(标准代码表未能读到,本平台暂定)",
                "LOW",
                "数据文件 emergency_supplies.json",
            ),
            (
                "道路系数 1.4、车速 40 km/h、装车 0.5 h 的到达时间估计",
                "LOW",
                "数据文件 resources/data/dispatch.json",
            ),
        ),
    ),
    Entry(
        "emergency_plans",
        "应急预案种类、评估周期与演练频次",
        "《突发事件应急预案管理办法》(国办发〔2024〕5号);《生产安全事故应急预案管理办法》(应急管理部令第2号)",
        (
            ("预案种类", "HIGH", "—"),
            (
                "政府预案每 3 年评估、专项和部门预案至少每 3 年演练(2024 版条款号未核对)",
                "MEDIUM",
                "代码数据 emergency_plans.py",
            ),
            (
                "企业预案每 3 年评估、综合/专项每年演练、现场处置方案每半年演练",
                "MEDIUM",
                "代码数据 emergency_plans.py",
            ),
            ("行动方案、工作手册随所依托的预案", "LOW", "代码数据 emergency_plans.py"),
        ),
    ),
    Entry(
        "ids",
        "统一社会信用代码与公民身份号码校验",
        "GB 32100-2015、GB 11643-1999(标准摘要 §8.1–§8.2)",
        (("校验码算法与代码结构", "HIGH", "—"),),
    ),
    Entry(
        "coords",
        "坐标系转换(WGS84、GCJ-02、BD-09)与球面距离",
        "公开算法(各实现一致;GCJ-02 为官方算法的逆向近似,误差数米)",
        (("转换公式与参数", "HIGH", "—"),),
    ),
    Entry(
        "workdays",
        "工作日计算(法定节假日与调休)",
        "国务院办公厅每年发布的放假安排",
        (
            (
                "当年放假与调休日期(未录入的年份按周一至周五计,并标注为暂定)",
                "HIGH",
                "系统设置 → 工作日历",
            ),
        ),
    ),
    Entry(
        "penalty_procedure",
        "行政处罚普通程序(立案至结案、听证、法制审核、期限)",
        "《行政处罚法》(2021修订)第四十四条至第七十二条;国办发〔2018〕118号",
        (
            ("程序环节与流转、听证范围种类、九十日决定期限、送达与缴款期限", "HIGH", "—"),
            (
                "听证“较大数额”(默认个人2万元、单位5万元,依2015年办法;2026年新办法及甘肃省数额未核实)",
                "LOW",
                "配置项 YINGJI_PENALTY_HEARING_THRESHOLDS",
            ),
            ("事后公示期限 7 个工作日", "MEDIUM", "配置项 YINGJI_PENALTY_PUBLICATION_WORKDAYS"),
            ("陈述申辩期限 3 日(告知书惯例)", "LOW", "配置项 YINGJI_PENALTY_STATEMENT_DAYS"),
            (
                "听证范围内的处罚视为重大执法决定(部门目录)",
                "LOW",
                "配置项 YINGJI_PENALTY_MAJOR_IF_HEARING_RIGHT",
            ),
            ("案卷评查评分表及分值(本平台默认)", "LOW", "配置项 YINGJI_PENALTY_CASE_FILE_SHEET"),
        ),
    ),
    Entry(
        "random_draw",
        "双随机、一公开(随机抽取检查对象与执法人员、结果公开)",
        "国办发〔2015〕58号;国发〔2019〕5号;《行政处罚法》(2021)第四十二条、第四十三条",
        (
            ("每个检查对象至少两名执法人员;申报回避的人员不被抽取", "HIGH", "—"),
            ("可复现的抽取(记录随机种子)", "HIGH", "—"),
            (
                "随机抽查事项清单(项目整理,未与正式清单核对)",
                "LOW",
                "yingji/standards/random_draw.py",
            ),
        ),
    ),
    Entry(
        "info_release",
        "突发事件信息发布时限(T35)",
        "国办发〔2016〕61号 第三条(未读原文);适用范围:国务院令第493号 第三条、应急响应Ⅰ/Ⅱ级",
        (
            ("适用事件:重大/特别重大事故,或启动Ⅰ/Ⅱ级响应", "MEDIUM", "—"),
            (
                "5 小时内发布权威信息、24 小时内举行新闻发布会",
                "LOW",
                "YINGJI_RELEASE_AUTHORITATIVE_HOURS / YINGJI_RELEASE_PRESS_HOURS",
            ),
        ),
    ),
    Entry(
        "demo_community",
        "综合减灾示范社区创建标准与流程(T54)",
        "《全国综合减灾示范社区创建管理办法》(国减发〔2020〕2号)第五至九条",
        (
            ("申报、县级审核、市级评审、命名的流程与 80 分合格线", "MEDIUM", "—"),
            ("基本条件(2013 年标准,未与 2020 年标准核对)", "LOW", "DISASTERS_COMMUNITY_CRITERIA"),
            (
                "组织管理、风险评估以外各基本要素及分值(平台自定)",
                "LOW",
                "DISASTERS_COMMUNITY_CRITERIA",
            ),
        ),
    ),
)


def entries() -> list[dict]:
    """The catalogue as plain dicts with Chinese confidence labels, for pages and the API."""
    return [
        {
            "module": e.module,
            "title": e.title,
            "source": e.source,
            "lowest": CONFIDENCE_LABELS[e.lowest],
            "parts": [
                {"what": what, "confidence": CONFIDENCE_LABELS[c], "level": c, "where": where}
                for what, c, where in e.parts
            ],
        }
        for e in CATALOGUE
    ]
