"""Chinese gender terms for counterfactual data augmentation (``lang="zh"``).

Written for fairlm (Apache-2.0, like the rest of fairlm): no permissively licensed list
of Chinese gender word pairs exists to copy (the data README says where we looked).
These are common words, written from general knowledge of Mandarin.

How the lists are built, and why:

* **Pairs** (male, female) swap both ways: pronouns, kinship, address and titles,
  people marked for gender, occupations marked with 男/女, nobility. Kinship terms that
  have no one partner take the everyday one: 叔叔 (uncle) <-> 阿姨 (auntie), as one
  addresses adults; 舅舅 (mother's brother) <-> 姨妈 (mother's sister), and their spouses
  crosswise (舅妈 <-> 姨父).
* **One-way** words swap to a word that already has a partner (太太 -> 先生, whose
  partner is 女士), so swapping twice does not return them.
* **Protected** words contain a gendered word or character but are not about gender:
  他人 (others), 其他 (other), 吉他 (guitar), 大丈夫 (a real man), 男子汉, 兄弟姐妹
  (siblings), 孙子兵法 (Sunzi's Art of War), 小红书 (an app)... They are matched like any
  term and left as they are, so the longest match at a position wins over the pair
  inside them.
* Only two single characters swap: 他/她 and 爸/妈 (with every word they are part of
  that is not about a person of that gender protected, or paired itself: 爸妈, 妈祖,
  他妈的, 舅妈). 男 and 女 never swap alone: 男女, 子女, 女婿, 妇女 and many more would
  go wrong; the words with them are listed instead.
* **Given names**: no single given-name character is swapped. Almost every common one
  is also an ordinary word (伟 great, 强 strong, 丽 beautiful, 芳 fragrant, 华 China,
  明 bright), and the few that are not (婷, 娟) have no male partner; a handful of full
  names that stand for a boy and a girl in Chinese textbooks and examples swap instead.

Segmentation is by longest match, not by a parser, so a phrase that can be cut two ways
is read the common way: 他人 is "others" even in 我告诉他人在哪里 ("I told him where
people are").
"""

from __future__ import annotations

__all__ = ["ZH_GENDER_PAIRS", "ZH_NAME_PAIRS", "ZH_ONE_WAY", "ZH_PROTECTED"]

# (male, female), swapped both ways
ZH_GENDER_PAIRS: tuple[tuple[str, str], ...] = (
    # pronouns
    ("他", "她"),
    ("他们", "她们"),
    ("他俩", "她俩"),
    # parents, children, siblings
    ("父亲", "母亲"),
    ("爸爸", "妈妈"),
    ("爸", "妈"),
    ("老爸", "老妈"),
    ("后爸", "后妈"),
    ("干爹", "干妈"),
    ("继父", "继母"),
    ("养父", "养母"),
    ("生父", "生母"),
    ("儿子", "女儿"),
    ("长子", "长女"),
    ("次子", "次女"),
    ("独生子", "独生女"),
    ("父子", "母女"),
    ("父女", "母子"),
    ("兄弟", "姐妹"),
    ("兄妹", "姐弟"),
    ("哥哥", "姐姐"),
    ("弟弟", "妹妹"),
    ("大哥", "大姐"),
    ("表哥", "表姐"),
    ("表弟", "表妹"),
    ("堂哥", "堂姐"),
    ("堂弟", "堂妹"),
    ("哥们", "姐们"),
    ("小哥哥", "小姐姐"),
    # partners
    ("丈夫", "妻子"),
    ("老公", "老婆"),
    ("新郎", "新娘"),
    ("新郎官", "新娘子"),
    ("男友", "女友"),
    ("男朋友", "女朋友"),
    ("未婚夫", "未婚妻"),
    ("前夫", "前妻"),
    # grandparents, grandchildren, the wider family
    ("爷爷", "奶奶"),
    ("老爷爷", "老奶奶"),
    ("祖父", "祖母"),
    ("外公", "外婆"),
    ("姥爷", "姥姥"),
    ("外祖父", "外祖母"),
    ("孙子", "孙女"),
    ("外孙", "外孙女"),
    ("侄子", "侄女"),
    ("外甥", "外甥女"),
    ("叔叔", "阿姨"),
    ("伯伯", "姑姑"),
    ("舅舅", "姨妈"),
    ("姨父", "舅妈"),
    ("姑父", "婶婶"),
    ("伯父", "伯母"),
    ("公公", "婆婆"),
    ("老公公", "老婆婆"),
    ("岳父", "岳母"),
    ("老丈人", "丈母娘"),
    ("女婿", "儿媳"),
    # people marked for gender, address
    ("男人", "女人"),
    ("男子", "女子"),
    ("男性", "女性"),
    ("男生", "女生"),
    ("男孩", "女孩"),
    ("男孩子", "女孩子"),
    ("小男孩", "小女孩"),
    ("男童", "女童"),
    ("男婴", "女婴"),
    ("少男", "少女"),
    ("处男", "处女"),
    ("男青年", "女青年"),
    ("小伙子", "姑娘"),
    ("帅哥", "美女"),
    ("绅士", "淑女"),
    ("直男", "直女"),
    ("男方", "女方"),
    ("男宾", "女宾"),
    ("先生", "女士"),
    ("老先生", "老太太"),
    ("老头", "老太"),
    ("老头子", "老太婆"),
    ("大爷", "大妈"),
    ("老大爷", "老大娘"),
    ("大叔", "大婶"),
    ("雄性", "雌性"),
    # roles and occupations marked with 男/女
    ("男同学", "女同学"),
    ("男同事", "女同事"),
    ("男员工", "女员工"),
    ("男职工", "女职工"),
    ("男工", "女工"),
    ("男老师", "女老师"),
    ("男教师", "女教师"),
    ("男教练", "女教练"),
    ("男医生", "女医生"),
    ("男护士", "女护士"),
    ("男律师", "女律师"),
    ("男工程师", "女工程师"),
    ("男科学家", "女科学家"),
    ("男程序员", "女程序员"),
    ("男司机", "女司机"),
    ("男警", "女警"),
    ("男警察", "女警察"),
    ("男兵", "女兵"),
    ("男演员", "女演员"),
    ("男歌手", "女歌手"),
    ("男明星", "女明星"),
    ("男主角", "女主角"),
    ("男主人", "女主人"),
    ("男主持人", "女主持人"),
    ("男主播", "女主播"),
    ("男嘉宾", "女嘉宾"),
    ("男记者", "女记者"),
    ("男作家", "女作家"),
    ("男选手", "女选手"),
    ("男运动员", "女运动员"),
    ("男模", "女模"),
    ("男模特", "女模特"),
    ("男领导", "女领导"),
    ("男老板", "女老板"),
    ("男博士", "女博士"),
    ("男强人", "女强人"),
    ("男英雄", "女英雄"),
    ("男神", "女神"),
    ("男高音", "女高音"),
    ("男中音", "女中音"),
    ("男低音", "女低音"),
    ("男仆", "女仆"),
    ("男佣", "女佣"),
    ("男巫", "女巫"),
    ("空少", "空姐"),
    ("舞男", "舞女"),
    ("男团", "女团"),
    ("男足", "女足"),
    ("男篮", "女篮"),
    ("男排", "女排"),
    ("男单", "女单"),
    ("男双", "女双"),
    # rulers, nobility, religious life
    ("国王", "女王"),
    ("王子", "公主"),
    ("皇帝", "皇后"),
    ("男爵", "女爵"),
    ("公爵", "女公爵"),
    ("伯爵", "女伯爵"),
    ("侯爵", "女侯爵"),
    ("修士", "修女"),
    ("和尚", "尼姑"),
)

# (word, replacement): the replacement already has its own partner
ZH_ONE_WAY: tuple[tuple[str, str], ...] = (
    ("男士", "女士"),
    ("太太", "先生"),
    ("夫人", "先生"),
    ("小姐", "先生"),
    ("小伙", "姑娘"),
    ("小姑娘", "小伙子"),
    ("儿媳妇", "女婿"),
    ("姑妈", "伯伯"),
    ("女皇", "皇帝"),
    ("王后", "国王"),
)

# (male, female) full names: a boy and a girl of Chinese textbooks and examples, and
# very common names; matched as whole names only
ZH_NAME_PAIRS: tuple[tuple[str, str], ...] = (
    ("小明", "小红"),
    ("李雷", "韩梅梅"),
    ("张伟", "张丽"),
    ("王伟", "王芳"),
    ("李强", "李娟"),
)

# words with a gendered word inside that are not about gender: left as they are
ZH_PROTECTED: frozenset[str] = frozenset(
    {
        # 他 meaning "other" (not 他处, 他杀, 他用...: "he handles", "he killed", "he
        # uses" are commoner than "elsewhere", "homicide", "other use")
        "其他",
        "他人",
        "他乡",
        "他国",
        "他者",
        "他山之石",
        "利他",
        "排他",
        "吉他",
        # oaths and exclamations
        "他妈的",
        "妈呀",
        # 爸/妈 in words that are not about one parent
        "爸妈",
        "爹妈",
        "妈祖",
        "奶妈",
        "老妈子",
        # set phrases
        "大丈夫",
        "男子汉",
        "兄弟姐妹",
        "姐妹兄弟",
        "独生子女",
        "孙子兵法",
        "女儿红",
        "小红帽",
        "小红书",
        "小明星",
    }
)
