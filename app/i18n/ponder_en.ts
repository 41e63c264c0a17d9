<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name></name>
    <message numerus="yes">
        <location filename="../ui/chat/model_picker.py" line="+100"/>
        <source>Runs on {backends} (%n layer(s) on the GPU)</source>
        <translation>
            <numerusform>Runs on {backends} (%n layer on the GPU)</numerusform>
            <numerusform>Runs on {backends} (%n layers on the GPU)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/common/i18n.py" line="+224"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n byte</numerusform>
            <numerusform>%n bytes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/history/chat_io.py" line="+195"/>
        <source>Exported %n chat(s) to {path}.</source>
        <translation>
            <numerusform>Exported %n chat to {path}.</numerusform>
            <numerusform>Exported %n chats to {path}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/history/feature.py" line="+69"/>
        <source>%n reply(s) were being written when Ponder closed; the text so far is kept, marked as stopped.</source>
        <translation>
            <numerusform>%n reply was being written when Ponder closed; the text so far is kept, marked as stopped.</numerusform>
            <numerusform>%n replies were being written when Ponder closed; the text so far is kept, marked as stopped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/library/catalog_tab.py" line="+112"/>
        <source>{quant} is {size} in %n file(s)</source>
        <translation>
            <numerusform>{quant} is {size} in %n file</numerusform>
            <numerusform>{quant} is {size} in %n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+7"/>
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n layer</numerusform>
            <numerusform>%n layers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/library/downloads_tab.py" line="+34"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+138"/>
        <source>%n downloading or waiting · {size} to go.</source>
        <translation>
            <numerusform>%n downloading or waiting · {size} to go.</numerusform>
            <numerusform>%n downloading or waiting · {size} to go.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/library/search_tab.py" line="+140"/>
        <source>%n repository(s) with GGUF files match “{query}”. Choose one to see its models.</source>
        <translation>
            <numerusform>One repository with GGUF files matches “{query}”. Choose one to see its models.</numerusform>
            <numerusform>%n repositories with GGUF files match “{query}”. Choose one to see its models.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+46"/>
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n part</numerusform>
            <numerusform>%n parts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+13"/>
        <source>{repo}: %n GGUF model(s). Choose one and Download.</source>
        <translation>
            <numerusform>{repo}: %n GGUF model. Choose one and Download.</numerusform>
            <numerusform>{repo}: %n GGUF models. Choose one and Download.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/library/text.py" line="+49"/>
        <source>%n s left</source>
        <translation>
            <numerusform>%n s left</numerusform>
            <numerusform>%n s left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>about %n min left</source>
        <translation>
            <numerusform>about %n min left</numerusform>
            <numerusform>about %n min left</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+46"/>
        <source>%n CPU core(s)</source>
        <translation>
            <numerusform>%n CPU core</numerusform>
            <numerusform>%n CPU cores</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/library/welcome.py" line="+145"/>
        <source>A {size} download in %n file(s).</source>
        <translation>
            <numerusform>A {size} download in %n file.</numerusform>
            <numerusform>A {size} download in %n files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/settings/engines_page.py" line="+52"/>
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n model</numerusform>
            <numerusform>%n models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+110"/>
        <source>Added {server} at {url}: %n model(s).</source>
        <translation>
            <numerusform>Added {server} at {url}: %n model.</numerusform>
            <numerusform>Added {server} at {url}: %n models.</numerusform>
        </translation>
    </message>
</context>
</TS>
