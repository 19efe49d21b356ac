"""The demo's plain pages: about the site, privacy, accessibility (StandardPage, SPEC §10).

Every organisation named here is invented. A page that already exists is left as the editors made
it, so loading the demo twice changes nothing.
"""

from portal.models import HomePage, StandardPage

ABOUT = """
<h2>本站做什么</h2>
<p>阳光物业是青榕街道办事处（演示）主办的物业服务评级公示平台。街道每月对辖区内各小区的物业服务进行考核，\
并结合 12345 热线的受理、响应、解决和满意情况，每个季度评出绿牌、蓝牌、黄牌、红牌四个等级，\
在本站向居民公开。</p>
<h2>评级怎么来</h2>
<ul>
<li>每月考核：业主评议、环境卫生、文明创建、垃圾分类、安全管理、规范服务六项，由街道物业办（演示）组织打分。</li>
<li>热线数据：由青榕街道 12345 接诉即办分中心（演示）按月汇总。</li>
<li>季度审定：青榕街道物业服务考评委员会（演示）审核后发布，每次发布都留有版本和数字摘要，更正会保留原版本。</li>
</ul>
<p>物业企业对月度得分有异议的，可以在得分导入后 7 天内通过本站后台提出申诉。</p>
<h2>演示数据</h2>
<p>本站目前载入的是演示数据：所有街道、社区、小区、物业企业、人员、电话和分数都是虚构的，\
与任何真实单位无关，不能作为评价依据。</p>
<h2>联系我们</h2>
<p>对本站内容有疑问或建议，请拨打页面底部的联系电话，或到青榕街道办事处（演示）物业办窗口咨询。</p>
"""

PRIVACY = """
<h2>我们收集哪些信息</h2>
<p>居民浏览本站不需要注册或登录。本站不使用第三方统计、广告或社交分享代码，页面不从其他网站加载任何内容。</p>
<ul>
<li>服务器日志：访问时间、访问的网址、浏览器类型和 IP 地址，用于保障网站安全和排查故障，保存不超过 6 个月。</li>
<li>“大字版”设置：保存在您浏览器的一个 Cookie 中，只记录是否开启大字版，不含任何个人信息。</li>
<li>后台账号：街道编辑、考评委员和物业企业的工作人员登录后台时，本站保存其账号、姓名和操作记录，用于核查每一次数据变更。</li>
</ul>
<h2>公开哪些信息</h2>
<p>本站公开的是小区和物业企业的评级信息：小区名称、所在社区、物业企业名称和统一社会信用代码、\
月度得分、热线统计和季度等级。本站不公开任何居民的姓名、电话、房号等个人信息；\
热线数据只公开按小区汇总的数字。</p>
<h2>信息的使用与保护</h2>
<p>上述信息只用于物业服务评级公示，不出售、不提供给任何商业机构。\
法律法规另有规定的，按规定执行。</p>
<h2>联系我们</h2>
<p>如您认为本站内容涉及您的个人信息，请通过页面底部的联系方式与青榕街道办事处（演示）联系，\
我们将在 15 个工作日内答复。</p>
<p>本页为演示内容，所列单位均为虚构。</p>
"""

ACCESSIBILITY = """
<h2>我们的目标</h2>
<p>本站面向辖区全体居民，特别是老年人和视力不便的居民。我们按照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》\
（GB/T 37668）和 WCAG 2.1 AA 级的要求建设本站，并参照互联网网站适老化通用设计规范。</p>
<h2>已经做到的</h2>
<ul>
<li>大字版：点击页面顶部的“大字版”按钮，全站文字放大，手机上也不会出现左右滚动；再点“标准版”恢复。</li>
<li>颜色之外有文字：评级等级都同时写出“绿牌”“蓝牌”“黄牌”“红牌”，不只靠颜色区分。</li>
<li>文字与背景的对比度不低于 4.5:1。</li>
<li>全站可以只用键盘操作；按 Tab 键时第一项是“跳到主要内容”。</li>
<li>页面不弹窗、不自动播放，不需要开启 JavaScript 也能查看全部内容。</li>
<li>图表都附有文字数据表，读屏软件可以读出。</li>
</ul>
<h2>如何检查</h2>
<p>每次更新时，本站在手机和电脑两种屏幕宽度、标准版和大字版下，用自动化工具逐页检查无障碍问题和页面宽度。</p>
<h2>遇到困难请告诉我们</h2>
<p>如果您在使用本站时遇到困难，请拨打页面底部的联系电话，告诉我们是哪个页面、遇到了什么问题。\
我们会在 5 个工作日内答复，并尽快修正。</p>
<p>本页为演示内容，所列单位均为虚构。</p>
"""

# (slug, title, intro, body); the footer links to these slugs (portal.context_processors).
PAGES = [
    ("about", "关于本站", "阳光物业是谁办的、评级怎么来、数据从哪里来。", ABOUT),
    ("privacy", "隐私政策", "本站收集哪些信息、公开哪些信息，以及如何保护。", PRIVACY),
    (
        "accessibility",
        "无障碍声明",
        "本站为老年人和视力不便的居民做了哪些设计，遇到困难如何反馈。",
        ACCESSIBILITY,
    ),
]


def demo_standard_pages_load() -> None:
    """关于本站, 隐私政策, 无障碍声明 under the home page, each published once."""
    home = HomePage.objects.get()
    existing = set(
        home.get_children().filter(slug__in=[slug for slug, *_ in PAGES]).values_list("slug", flat=True)
    )
    for slug, title, intro, body in PAGES:
        if slug in existing:
            continue
        page = home.add_child(
            instance=StandardPage(
                title=title, slug=slug, intro=intro, search_description=intro, body=body.strip()
            )
        )
        page.save_revision().publish()
