"""The blocks of a case story's body (SPEC §6): paragraphs, images that always carry alt text, a
before/after pair and a quote. Images come from Wagtail's image library, so every upload passes
Wagtail's own checks (WAGTAILIMAGES_EXTENSIONS: no SVG)."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Rich text without embedded images: an image inside rich text could go without alt text.
PARAGRAPH_FEATURES = ["bold", "italic", "ol", "ul", "link"]
ALT_HELP = "用一句话说明图片内容，供读屏软件朗读，如“楼道内新装的扶手”"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="图片")
    alt = blocks.CharBlock(label="替代文字", max_length=120, help_text=ALT_HELP)
    caption = blocks.CharBlock(label="图片说明", max_length=200, required=False)

    class Meta:
        icon = "image"
        label = "图片"
        template = "cases/blocks/image.html"


class BeforeAfterBlock(blocks.StructBlock):
    before = ImageChooserBlock(label="改造前图片")
    before_alt = blocks.CharBlock(label="改造前替代文字", max_length=120, help_text=ALT_HELP)
    after = ImageChooserBlock(label="改造后图片")
    after_alt = blocks.CharBlock(label="改造后替代文字", max_length=120, help_text=ALT_HELP)
    caption = blocks.CharBlock(label="说明", max_length=200, required=False)

    class Meta:
        icon = "doc-full"
        label = "前后对比"
        template = "cases/blocks/before_after.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引语", max_length=500)
    source = blocks.CharBlock(label="说话人", max_length=60, required=False, help_text="如“3号楼居民”")

    class Meta:
        icon = "openquote"
        label = "引语"
        template = "cases/blocks/quote.html"


class CaseBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label="段落", features=PARAGRAPH_FEATURES)
    image = ImageBlock()
    before_after = BeforeAfterBlock()
    quote = QuoteBlock()
