<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <location filename="../ui/common/banner.py" line="+18"/>
        <source>Notice</source>
        <translation>通知</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+1"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../ui/common/core_text.py" line="+28"/>
        <source>The engine is not running.</source>
        <translation>引擎没有运行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload the model.</source>
        <translation>请重新加载模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A reply is still being generated.</source>
        <translation>上一条回复仍在生成中。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generation failed: {reason}</source>
        <translation>生成失败：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading failed unexpectedly ({error}: {reason}).</source>
        <translation>加载意外失败（{error}：{reason}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine was killed (out of memory, or stopped by the system).</source>
        <translation>引擎被终止了（内存不足，或被系统停止）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine aborted inside llama.cpp (the model file may be damaged or unsupported).</source>
        <translation>引擎在 llama.cpp 内部中止（模型文件可能已损坏或不受支持）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine crashed ({signal}).</source>
        <translation>引擎崩溃了（{signal}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The engine stopped unexpectedly (exit code {code}).</source>
        <translation>引擎意外停止（退出代码 {code}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The conversation ({tokens} tokens) does not fit the context of {size} tokens.</source>
        <translation>对话（{tokens} 个 token）超出了 {size} 个 token 的上下文。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reload the model with a larger context, or let the oldest messages leave the model&apos;s view.</source>
        <translation>请用更大的上下文重新加载模型，或让最早的消息移出模型的视野。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not a GGUF model file.</source>
        <translation>这不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model file is incomplete or damaged (truncated download?).</source>
        <translation>模型文件不完整或已损坏（下载被中断？）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unsupported model: {detail}</source>
        <translation>不支持的模型：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>llama.cpp could not load the model: {detail}</source>
        <translation>llama.cpp 无法加载该模型：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>llama.cpp could not load the model.</source>
        <translation>llama.cpp 无法加载该模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A {kv} KV cache needs flash attention, which is switched off.</source>
        <translation>{kv} KV 缓存需要 Flash Attention，但它已被关闭。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Turn flash attention on or choose the f16 KV cache.</source>
        <translation>请开启 Flash Attention，或选择 f16 KV 缓存。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This llama.cpp build cannot use a {kv} KV cache for this model ({detail}).</source>
        <translation>当前 llama.cpp 版本无法为该模型使用 {kv} KV 缓存（{detail}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose the f16 KV cache.</source>
        <translation>请选择 f16 KV 缓存。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not create a context of {tokens} tokens (not enough memory?): {detail}</source>
        <translation>无法创建 {tokens} 个 token 的上下文（内存不足？）：{detail}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a smaller quant or a shorter context.</source>
        <translation>请选择更小的量化版本或更短的上下文。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model is spread over other computers: {parts}.</source>
        <translation>模型分布在其他电脑上：{parts}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 layer on {where} ({size})</source>
        <translation>{where} 上 1 层（{size}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} layers on {where} ({size})</source>
        <translation>{where} 上 {count} 层（{size}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 layer here ({size})</source>
        <translation>本机 1 层（{size}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} layers here ({size})</source>
        <translation>本机 {count} 层（{size}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not ask llama.cpp whether it can use a GPU.</source>
        <translation>无法确认 llama.cpp 能否使用 GPU。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This llama.cpp build runs on the CPU only (no GPU found).</source>
        <translation>当前 llama.cpp 版本只能在 CPU 上运行（未发现 GPU）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>For a GPU build, reinstall llama-cpp-python with CMAKE_ARGS; see {url}.</source>
        <translation>如需 GPU 版本，请用 CMAKE_ARGS 重新安装 llama-cpp-python；参见 {url}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This llama.cpp build cannot offload to the GPU ({gpu}), so models run on the CPU.</source>
        <translation>当前 llama.cpp 版本无法把计算卸载到 GPU（{gpu}），模型将在 CPU 上运行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rebuild it with CMAKE_ARGS=&quot;{flag}&quot;; see {url}.</source>
        <translation>请用 CMAKE_ARGS=&quot;{flag}&quot; 重新构建；参见 {url}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the README, section &quot;GPU builds&quot;</source>
        <translation>README 中的“GPU 构建”一节</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The computer at {where} stopped answering.</source>
        <translation>{where} 上的电脑不再响应。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The computers at {some} and {last} stopped answering.</source>
        <translation>{some} 和 {last} 上的电脑不再响应。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The computer at {where} did not answer within {seconds} s.</source>
        <translation>{where} 上的电脑在 {seconds} 秒内没有响应。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot reach the computer at {where} ({reason}).</source>
        <translation>无法连接 {where} 上的电脑（{reason}）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The worker at {where} speaks RPC protocol {theirs}, this Ponder speaks {ours}.x: install the same Ponder version on both computers.</source>
        <translation>{where} 上的工作节点使用 RPC 协议 {theirs}，本机 Ponder 使用 {ours}.x：请在两台电脑上安装相同版本的 Ponder。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The computer at {where} accepted the connection but did not answer within {seconds} s (it may be serving another Ponder).</source>
        <translation>{where} 上的电脑接受了连接，但在 {seconds} 秒内没有响应（它可能正在为另一个 Ponder 服务）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The computer at {where} is not a Ponder worker ({reason}).</source>
        <translation>{where} 上的电脑不是 Ponder 工作节点（{reason}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{value} is not an address of the form HOST:PORT</source>
        <translation>{value} 不是 HOST:PORT 形式的地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{value}: the port must be a number</source>
        <translation>{value}：端口必须是数字</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{value}: the port must be between 1 and 65535</source>
        <translation>{value}：端口必须在 1 到 65535 之间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the worker stopped</source>
        <translation>工作节点已停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Warning: the RPC protocol has no authentication and no encryption. Anyone who can reach {endpoint} can use this computer&apos;s memory and processors and see what they compute. Share it on a trusted network only.</source>
        <translation>警告：RPC 协议没有身份验证，也没有加密。任何能访问 {endpoint} 的人都能使用这台电脑的内存和处理器，并看到它计算的内容。请只在可信的网络中共享。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>llama.cpp server</source>
        <translation>llama.cpp 服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OpenAI-compatible server</source>
        <translation>OpenAI 兼容服务器</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} closed the connection mid-reply (it may have stopped or crashed). What was written is kept; reload the model to go on.</source>
        <translation>{where} 上的服务器在回复途中关闭了连接（它可能已停止或崩溃）。已生成的内容会保留；请重新加载模型以继续。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server at {where} refused the request ({status}){said}.</source>
        <translation>{where} 上的服务器拒绝了请求（{status}）{said}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} needs an API key (401). Add it in Settings ▸ Engines, or pass --api-key.</source>
        <translation>{where} 上的服务器需要 API 密钥（401）。请在“设置 ▸ 引擎”中添加，或使用 --api-key 传入。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} refused access (403). Check the API key and its permissions.</source>
        <translation>{where} 上的服务器拒绝访问（403）。请检查 API 密钥及其权限。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} has no such endpoint or model (404){said}.</source>
        <translation>{where} 上的服务器没有这个接口或模型（404）{said}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The conversation does not fit the server&apos;s context. Start a new chat, delete old messages, or restart the server with a larger context.</source>
        <translation>对话超出了服务器的上下文。请新建对话、删除旧消息，或用更大的上下文重启服务器。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server at {where} failed ({status}){said}. Try again.</source>
        <translation>{where} 上的服务器出错（{status}）{said}。请重试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} did not answer with JSON.</source>
        <translation>{where} 上的服务器返回的不是 JSON。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The TLS certificate of {host} could not be verified ({reason}). Give the server a certificate this computer trusts; Ponder does not skip the check.</source>
        <translation>无法验证 {host} 的 TLS 证书（{reason}）。请为服务器配置这台电脑信任的证书；Ponder 不会跳过证书检查。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A secure connection to {host} failed ({reason}). Check whether the server speaks https:// or plain http://.</source>
        <translation>与 {host} 的安全连接失败（{reason}）。请确认服务器使用的是 https:// 还是普通的 http://。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nothing is listening at {where}. Check the address and that the server is running.</source>
        <translation>{where} 上没有服务在监听。请检查地址，并确认服务器正在运行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The host {host} was not found. Check the address.</source>
        <translation>找不到主机 {host}。请检查地址。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} did not answer within {seconds} s.</source>
        <translation>{where} 上的服务器在 {seconds} 秒内没有响应。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the address, the network, or try again when the server is less busy.</source>
        <translation>请检查地址和网络，或等服务器空闲时再试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check the address, the network and whether the server speaks https:// or plain http://, or try again when the server is less busy.</source>
        <translation>请检查地址、网络，以及服务器使用的是 https:// 还是普通的 http://，或等服务器空闲时再试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{url} is not a server address ({reason}).</source>
        <translation>{url} 不是服务器地址（{reason}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{url} is not a server address: use http://host:port or https://host.</source>
        <translation>{url} 不是服务器地址：请使用 http://host:port 或 https://host 的形式。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not talk to {where} ({reason}). Check the address and that the server is running.</source>
        <translation>无法与 {where} 通信（{reason}）。请检查地址，并确认服务器正在运行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} refused the API key (401). Check the key.</source>
        <translation>{where} 上的服务器拒绝了 API 密钥（401）。请检查密钥。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} went silent for {seconds} s mid-reply. What was written is kept; try again.</source>
        <translation>{where} 上的服务器在回复途中 {seconds} 秒没有响应。已生成的内容会保留；请重试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} is not connected. Reload the model.</source>
        <translation>{where} 上的服务器未连接。请重新加载模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No model is loaded. Pick one on the server first.</source>
        <translation>尚未加载模型。请先在服务器上选择一个。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That model belongs to another server, not {where}.</source>
        <translation>该模型属于另一台服务器，而不是 {where}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unexpected error talking to the server: {reason}</source>
        <translation>与服务器通信时发生意外错误：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} has no model &apos;{model}&apos;. It serves: {models}.</source>
        <translation>{where} 上的服务器没有模型“{model}”。它提供的模型有：{models}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} serves no model yet. Load one on the server first.</source>
        <translation>{where} 上的服务器还没有提供任何模型。请先在服务器上加载一个。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{url} answered /v1/models with no model list.</source>
        <translation>{url} 对 /v1/models 的应答中没有模型列表。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{url} does not look like a model server (no /v1/models). Check the address and port.</source>
        <translation>{url} 看起来不是模型服务器（没有 /v1/models）。请检查地址和端口。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server at {where} stopped the reply: {reason}</source>
        <translation>{where} 上的服务器中止了回复：{reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server at {where} stopped mid-reply (it may have crashed or been stopped). What was written is kept; reload the model to go on.</source>
        <translation>{where} 上的服务器在回复途中停止（它可能已崩溃或被停止）。已生成的内容会保留；请重新加载模型以继续。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server&apos;s /tokenize gave no token ids.</source>
        <translation>服务器的 /tokenize 没有返回 token ID。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This server cannot continue a reply or take a raw prompt: it has no raw-prompt endpoint for this model.</source>
        <translation>这台服务器无法继续回复，也不接受原始提示词：它没有为该模型提供原始提示词接口。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{name} is part {index} of a model split into {count} files, but its name does not follow the NAME-00001-of-00003.gguf pattern llama.cpp needs.</source>
        <translation>{name} 是分成 {count} 个文件的模型的第 {index} 部分，但文件名不符合 llama.cpp 要求的 NAME-00001-of-00003.gguf 格式。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name}: its name says {count} parts but the file says {actual}.</source>
        <translation>{name}：文件名表示共 {count} 部分，但文件内容表示共 {actual} 部分。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is split into {count} parts and {missing} is missing: {names}.</source>
        <translation>{name} 分为 {count} 部分，缺少 {missing} 部分：{names}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is split into {count} parts and {missing} are missing: {names}.</source>
        <translation>{name} 分为 {count} 部分，缺少 {missing} 部分：{names}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download the missing parts into the same folder.</source>
        <translation>请把缺少的部分下载到同一个文件夹中。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model file not found: {path}</source>
        <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} is a folder, not a model file.</source>
        <translation>{path} 是文件夹，不是模型文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is not a GGUF model file.</source>
        <translation>{name} 不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is incomplete (truncated download?).</source>
        <translation>{name} 不完整（下载被中断？）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} is a folder, not a GGUF model file.</source>
        <translation>{path} 是文件夹，不是 GGUF 模型文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is cut off inside its header.</source>
        <translation>{name} 在文件头内部被截断。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} uses GGUF version 1 (2023), which llama.cpp no longer loads; download a newer conversion of this model.</source>
        <translation>{name} 使用 GGUF 第 1 版（2023 年），llama.cpp 已不再支持；请下载该模型较新的转换版本。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} uses GGUF version {version}, which this version of Ponder does not know.</source>
        <translation>{name} 使用 GGUF 第 {version} 版，当前版本的 Ponder 无法识别。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is incomplete: it has {size} of {total} ({missing} missing).</source>
        <translation>{name} 不完整：应有 {total}，只有 {size}（缺少 {missing}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The download did not finish; download it again.</source>
        <translation>下载没有完成；请重新下载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} does not exist.</source>
        <translation>{path} 不存在。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} cannot be read: {reason}.</source>
        <translation>无法读取 {path}：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is not a GGUF model file (it is empty).</source>
        <translation>{name} 不是 GGUF 模型文件（文件为空）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is not a GGUF model file (it does not start with &apos;GGUF&apos;).</source>
        <translation>{name} 不是 GGUF 模型文件（文件开头不是“GGUF”）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} is cut off inside its header (it has {size}; the header alone needs more than {needed}): the download did not finish or the file is damaged.</source>
        <translation>{name} 在文件头内部被截断（文件只有 {size}，仅文件头就需要超过 {needed}）：下载没有完成，或文件已损坏。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} is not a valid GGUF model file: {reason}.</source>
        <translation>{name} 不是有效的 GGUF 模型文件：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is cut off after {size} bytes: the download did not finish.</source>
        <translation>{name} 在 {size} 字节处被截断：下载没有完成。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the search for {query}</source>
        <translation>搜索 {query}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the host name could not be resolved</source>
        <translation>无法解析主机名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not write {name} to {folder}: {reason}.</source>
        <translation>无法将 {name} 写入 {folder}：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The disk is full: {name} needs {size} more and {folder} has {free} free.</source>
        <translation>磁盘已满：{name} 还需要 {size}，而 {folder} 只剩 {free} 可用空间。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The partial download is kept; free some space and resume.</source>
        <translation>已下载的部分会保留；请腾出空间后继续下载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub answered {status} for {what}.</source>
        <translation>Hub 对 {what} 的应答是 {status}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The Hub refused access to {what} ({status}): the repository is private or gated, or the token is missing or invalid.</source>
        <translation>Hub 拒绝访问 {what}（{status}）：该仓库是私有或受限的，或者访问令牌缺失或无效。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add a Hugging Face token that has access.</source>
        <translation>请添加有访问权限的 Hugging Face 访问令牌。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{what} was not found on the Hugging Face Hub (404).</source>
        <translation>在 Hugging Face Hub 上找不到 {what}（404）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub is rate-limiting downloads of {what} (429); try again in a while.</source>
        <translation>Hub 正在限制 {what} 的下载速率（429）；请稍后再试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub had a problem sending {what} ({status}); try again later.</source>
        <translation>Hub 发送 {what} 时出错（{status}）；请稍后再试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many redirects while requesting {what}.</source>
        <translation>请求 {what} 时重定向次数过多。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{what} is in a gated repository: accept its terms on the Hugging Face website, then add a token from an account that has access.</source>
        <translation>{what} 位于受限仓库中：请先在 Hugging Face 网站上接受其条款，再添加有访问权限的账号的访问令牌。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{what} does not exist in the repository (404).</source>
        <translation>仓库中不存在 {what}（404）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{what}: that revision does not exist (404).</source>
        <translation>{what}：该版本不存在（404）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not reach {host} to download {what}: {reason}.</source>
        <translation>无法连接 {host} 下载 {what}：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check the internet connection.</source>
        <translation>请检查网络连接。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection failed while requesting {what}: {reason}.</source>
        <translation>请求 {what} 时连接失败：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub sent a redirect without a location for {what}.</source>
        <translation>Hub 为 {what} 返回了没有目标地址的重定向。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unexpected problem with {what}: {reason}</source>
        <translation>{what} 出现意外问题：{reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{what} is gated: accept its terms on the Hugging Face website, then add a token from an account that has access.</source>
        <translation>{what} 是受限仓库：请先在 Hugging Face 网站上接受其条款，再添加有访问权限的账号的访问令牌。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{what} was not found on the Hugging Face Hub.</source>
        <translation>在 Hugging Face Hub 上找不到 {what}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{what}: that revision does not exist.</source>
        <translation>{what}：该版本不存在。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{what}: the file does not exist in the repository.</source>
        <translation>{what}：仓库中没有这个文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hugging Face Hub refused the request for {what} ({status}).</source>
        <translation>Hugging Face Hub 拒绝了对 {what} 的请求（{status}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not reach the Hugging Face Hub ({hub}) for {what}: check the internet connection.</source>
        <translation>{what}：无法连接 Hugging Face Hub（{hub}），请检查网络连接。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{what} was not found, or it is private: check the name, or add a Hugging Face token from an account that can see it.</source>
        <translation>找不到 {what}，或者它是私有的：请检查名称，或添加能看到它的账号的 Hugging Face 访问令牌。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The Hub refused access to {what} ({status}): the token is missing, invalid or lacks access.</source>
        <translation>Hub 拒绝访问 {what}（{status}）：访问令牌缺失、无效或没有权限。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hugging Face Hub had a problem ({status}) with {what}; try again later.</source>
        <translation>Hugging Face Hub 处理 {what} 时出错（{status}）；请稍后再试。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} no longer exists (moved or deleted).</source>
        <translation>{path} 已不存在（被移动或删除）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} is already in the library folder.</source>
        <translation>{name} 已在模型库文件夹中。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{file} is not in {repo}.</source>
        <translation>{repo} 中没有 {file}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{what} is no longer in {repo}; the catalog needs an update.</source>
        <translation>{repo} 中已没有 {what}；模型目录需要更新。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} in {repo} is missing some of its parts on the Hub.</source>
        <translation>Hub 上 {repo} 中的 {name} 缺少部分分卷。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} ({count} parts)</source>
        <translation>{name}（{count} 个分卷）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unexpected error: {reason}</source>
        <translation>意外错误：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} already exists and is not the file on the Hub ({size} instead of {expected}).</source>
        <translation>{path} 已存在，但与 Hub 上的文件不同（大小为 {size}，应为 {expected}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove it to download it again.</source>
        <translation>删除它后即可重新下载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloads are switched off (HF_HUB_OFFLINE is set).</source>
        <translation>下载已关闭（设置了 HF_HUB_OFFLINE）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not enough disk space for {what}: it needs {size} and {folder} has {free} free.</source>
        <translation>磁盘空间不足，无法下载 {what}：需要 {size}，而 {folder} 只剩 {free} 可用空间。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} failed verification: the downloaded data does not match what the Hub published (sha256 {expected}, got {actual}).</source>
        <translation>{name} 校验失败：下载的数据与 Hub 发布的不一致（sha256 应为 {expected}，实际为 {actual}）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The damaged file was deleted; download it again.</source>
        <translation>已删除损坏的文件；请重新下载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot create the folder {folder}: {reason}.</source>
        <translation>无法创建文件夹 {folder}：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection closed early while downloading {what}.</source>
        <translation>下载 {what} 时连接提前关闭。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server sent the wrong part of {name}.</source>
        <translation>服务器发送了 {name} 的错误片段。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub sent more data than {name} should have.</source>
        <translation>Hub 发送的数据超过了 {name} 应有的大小。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The connection dropped while downloading {what}: {reason}.</source>
        <translation>下载 {what} 时连接中断：{reason}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The Hub keeps refusing byte ranges of {name}.</source>
        <translation>Hub 一直拒绝 {name} 的分段下载请求。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too big</source>
        <translation>太大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CPU, slow on this computer</source>
        <translation>CPU，在这台电脑上较慢</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spread over {count} computers</source>
        <translation>分布在 {count} 台电脑上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Partial GPU {layers}/{total} layers</source>
        <translation>部分 GPU：{layers}/{total} 层</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{layers}/{total} layers on {computers}</source>
        <translation>{layers}/{total} 层在{computers}上</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 other computer</source>
        <translation>另外 1 台电脑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} other computers</source>
        <translation>另外 {count} 台电脑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPU memory</source>
        <translation>显存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>shared memory</source>
        <translation>共享内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 other computer&apos;s memory</source>
        <translation>另外 1 台电脑的内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} other computers&apos; memory</source>
        <translation>另外 {count} 台电脑的内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the GPU&apos;s and 1 other computer&apos;s memory</source>
        <translation>显存和另外 1 台电脑的内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the GPU&apos;s and {count} other computers&apos; memory</source>
        <translation>显存和另外 {count} 台电脑的内存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fits in {where}: needs {size} of {free} free.</source>
        <translation>可放入{where}：需要 {size}，可用 {free}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fits with {layers} of {total} layers on the GPU ({gpu}) and the rest in RAM ({ram}).</source>
        <translation>可以运行：{total} 层中的 {layers} 层放在 GPU 上（{gpu}），其余放在内存中（{ram}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fits with {layers} of {total} layers in {where} ({gpu}) and the rest in RAM ({ram}).</source>
        <translation>可以运行：{total} 层中的 {layers} 层放在{where}中（{gpu}），其余放在内存中（{ram}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Runs on the CPU: needs {size} of {free} free RAM.</source>
        <translation>在 CPU 上运行：需要 {size} 内存，可用 {free}。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too big: needs about {size} with a {tokens}-token context; this machine has {free} free.</source>
        <translation>太大：在 {tokens} token 的上下文下约需 {size}；这台电脑只有 {free} 可用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model catalog is missing ({path}).</source>
        <translation>缺少模型目录（{path}）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model catalog is malformed: {reason}</source>
        <translation>模型目录格式有误：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model catalog {path} is not valid JSON: {reason}</source>
        <translation>模型目录 {path} 不是有效的 JSON：{reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model&apos;s chat template failed: {reason}</source>
        <translation>模型的对话模板出错：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not a Ponder chat export</source>
        <translation>不是 Ponder 导出的对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not JSON: {reason}</source>
        <translation>不是 JSON：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unsupported chat export version {version}</source>
        <translation>不支持的对话导出版本 {version}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>chat export without chat or messages</source>
        <translation>导出文件中没有对话或消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>malformed chat export: {reason}</source>
        <translation>导出的对话格式有误：{reason}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{path} already exists</source>
        <translation>{path} 已存在</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>copy of the database in {folder} did not verify ({check})</source>
        <translation>{folder} 中的数据库副本未通过校验（{check}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>database schema version {version} is newer than this app supports ({supported})</source>
        <translation>数据库结构版本 {version} 比本应用支持的版本（{supported}）更新</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>, </source>
        <comment>between the items of a list</comment>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../ui/common/model_state.py" line="+125"/>
        <source>The model could not be loaded: {reason}</source>
        <translation>无法加载模型：{reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Load without it</source>
        <translation>不用它，重新加载</translation>
    </message>
    <message>
        <location filename="../ui/chat/controller.py" line="+110"/>
        <source>The model is still loading; send again in a moment.</source>
        <translation>模型仍在加载中；请稍后再发送。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The engine stopped. Reload the model to go on.</source>
        <translation>引擎已停止。请重新加载模型以继续。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Open a model to start chatting (Model ▸ Open model…, or drop a .gguf file on the window).</source>
        <translation>请先打开一个模型再开始对话（模型 ▸ 打开模型…，或把 .gguf 文件拖到窗口上）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/chat/model_picker.py" line="+121"/>
        <location filename="../ui/common/model_state.py" line="+3"/>
        <location filename="../ui/main.py" line="+63"/>
        <source>Open model…</source>
        <translation>打开模型…</translation>
    </message>
    <message>
        <location line="+188"/>
        <location line="+21"/>
        <location filename="../ui/common/core_text.py" line="-39"/>
        <location filename="../ui/history/sidebar.py" line="+107"/>
        <location line="+2"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Reload with {tokens} tokens</source>
        <translation>以 {tokens} 个 token 重新加载</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{reason} Older messages can leave the model&apos;s view (they stay here, marked), the model can reload with more room, or start a new chat.</source>
        <translation>{reason}可以让较早的消息移出模型的视野（它们仍保留在这里，并会标注），也可以用更大的上下文重新加载模型，或者新建对话。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Let older messages go</source>
        <translation>移出较早的消息</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This server cannot continue a reasoning: regenerate the reply with a larger budget.</source>
        <translation>这台服务器无法继续推理：请用更大的预算重新生成回复。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>The reply failed: {reason}</source>
        <translation>回复失败：{reason}</translation>
    </message>
    <message>
        <location line="-290"/>
        <location filename="../ui/chat/model_picker.py" line="+19"/>
        <location filename="../ui/common/model_state.py" line="+7"/>
        <source>Reload model</source>
        <translation>重新加载模型</translation>
    </message>
    <message>
        <location filename="../ui/common/model_state.py" line="+2"/>
        <source>Reload without it</source>
        <translation>不用它，重新加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{reason} Your conversation is safe.</source>
        <translation>{reason}你的对话不会丢失。</translation>
    </message>
    <message>
        <location filename="../ui/common/remote_notes.py" line="+12"/>
        <source>Plain http:// to another computer: the API key and the chats travel unencrypted.</source>
        <translation>通过普通 http:// 连接另一台电脑：API 密钥和对话内容都以明文传输。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This server caps the reasoning with its own budget: the cut can land mid-word, and Continue thinking is not available.</source>
        <translation>这台服务器用它自己的预算限制推理：截断可能落在词语中间，并且无法使用“继续思考”。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{server} caps the reasoning with its own budget: the cut can land mid-word, and Continue thinking is not available.</source>
        <translation>{server} 用它自己的预算限制推理：截断可能落在词语中间，并且无法使用“继续思考”。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>This server cannot cap the reasoning: the thinking budget has no effect with this model.</source>
        <translation>这台服务器无法限制推理：对该模型设置思考预算不起作用。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{server} cannot cap the reasoning: the thinking budget has no effect with this model.</source>
        <translation>{server} 无法限制推理：对该模型设置思考预算不起作用。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a server at {url}</source>
        <translation>位于 {url} 的服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{server} at {url}</source>
        <translation>位于 {url} 的 {server}</translation>
    </message>
    <message>
        <location filename="../ui/chat/assistant_view.py" line="+29"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cut off at the end of the context</source>
        <translation>到达上下文末尾，已截断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped — the app closed while this reply was being written</source>
        <translation>已停止——生成这条回复时应用被关闭了</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{rate} tok/s</source>
        <translation>{rate} token/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>first token {seconds} s</source>
        <translation>首 token {seconds} 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{tokens} thinking</source>
        <translation>思考 {tokens} token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{tokens} answer tokens</source>
        <translation>回答 {tokens} token</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Thinking:</source>
        <translation>思考：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Answer:</source>
        <translation>回答：</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Continue thinking</source>
        <translation>继续思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Let the model reason further, with another budget</source>
        <translation>用新的预算让模型继续推理</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Continue the answer</source>
        <translation>继续回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The answer reached the end of the context: free room and let the model go on</source>
        <translation>回答已到达上下文末尾：腾出空间，让模型接着写</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../ui/chat/user_view.py" line="+95"/>
        <source>Not seen by the model: the conversation outgrew its context</source>
        <translation>模型看不到这条消息：对话已超出它的上下文</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../ui/chat/user_view.py" line="+2"/>
        <source>Not seen by the model</source>
        <translation>模型看不到</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../ui/chat/user_view.py" line="-11"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy with thinking</source>
        <translation>连同思考过程一起复制</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+2"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Regenerate with thinking on</source>
        <translation>开启思考后重新生成</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Regenerate with thinking off</source>
        <translation>关闭思考后重新生成</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../ui/chat/user_view.py" line="+1"/>
        <location filename="../ui/history/sidebar.py" line="-17"/>
        <location filename="../ui/library/library_tab.py" line="+96"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reply statistics</source>
        <translation>回复统计</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Thinking (stopped)</source>
        <translation>思考（已停止）</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../ui/chat/thinking_panel.py" line="+47"/>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Reading the prompt…</source>
        <translation>正在读取提示词…</translation>
    </message>
    <message>
        <location filename="../ui/chat/budget_slider.py" line="+38"/>
        <location line="+24"/>
        <location line="+21"/>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location line="-30"/>
        <source>Thinking budget</source>
        <translation>思考预算</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Thinking budget: unlimited</source>
        <translation>思考预算：不限</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{tokens} tokens</source>
        <translation>{tokens} 个 token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thinking budget: {tokens} tokens</source>
        <translation>思考预算：{tokens} 个 token</translation>
    </message>
    <message>
        <location filename="../ui/chat/composer.py" line="+39"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message Ponder…  (Shift+Enter for a new line)</source>
        <translation>给 Ponder 发消息…（Shift+Enter 换行）</translation>
    </message>
    <message>
        <location line="+51"/>
        <location line="+1"/>
        <source>Think</source>
        <translation>思考</translation>
    </message>
    <message>
        <location line="+12"/>
        <location line="+2"/>
        <source>Answer now</source>
        <translation>立即回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>End the reasoning here and answer ({keys})</source>
        <translation>在此结束推理并给出回答（{keys}）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location line="+29"/>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the reply (Esc)</source>
        <translation>停止回复（Esc）</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send (Enter)</source>
        <translation>发送（Enter）</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{used} / {size} tokens</source>
        <translation>{used} / {size} token</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The conversation uses {used} of the model&apos;s {size} tokens of context</source>
        <translation>对话已使用模型 {size} 个 token 上下文中的 {used} 个</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>This model cannot think: it always answers directly</source>
        <translation>该模型不会思考：总是直接回答</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This model always thinks before answering</source>
        <translation>该模型总是先思考再回答</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Let the model reason before it answers (Ctrl+T)</source>
        <translation>让模型先推理再回答（Ctrl+T）</translation>
    </message>
    <message>
        <location filename="../ui/chat/model_picker.py" line="-121"/>
        <source>No model — open one</source>
        <translation>没有模型——请打开一个</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{name} — failed to load</source>
        <translation>{name}——加载失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{name} — engine stopped</source>
        <translation>{name}——引擎已停止</translation>
    </message>
    <message>
        <location line="+16"/>
        <location filename="../ui/history/chat_settings.py" line="+73"/>
        <location filename="../ui/library/search_tab.py" line="+74"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Loading progress</source>
        <translation>加载进度</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../ui/settings/dialog.py" line="+160"/>
        <location line="+52"/>
        <source>Context size</source>
        <translation>上下文大小</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> ⚠ unencrypted</source>
        <translation> ⚠ 未加密</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Runs on {where}</source>
        <translation>运行在{where}上</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>can think or not</source>
        <translation>可思考也可不思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>always thinks</source>
        <translation>总是思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>never thinks</source>
        <translation>从不思考</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loaded in {seconds} s</source>
        <translation>加载用时 {seconds} 秒</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Runs on {backends}</source>
        <translation>运行于 {backends}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Runs on {backends} (all layers on the GPU)</source>
        <translation>运行于 {backends}（所有层都在 GPU 上）</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Runs on {backends} (%n layer(s) on the GPU)</source>
        <translation>
            <numerusform>运行于 {backends}（%n 层在 GPU 上）</numerusform>
        </translation>
    </message>
    <message>
        <location line="+24"/>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>On {server} (unencrypted)</source>
        <translation>{server}（未加密）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On {server}</source>
        <translation>{server}</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../ui/library/welcome.py" line="+76"/>
        <source>Connect to a server…</source>
        <translation>连接服务器…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{size} ctx</source>
        <comment>a context size, short</comment>
        <translation>{size} 上下文</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Context {tokens} tokens, {kv} KV cache</source>
        <translation>上下文 {tokens} 个 token，{kv} KV 缓存</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>; YaRN ×{factor} over its native {tokens}</source>
        <translation>；在原生 {tokens} 的基础上用 YaRN 扩展 ×{factor}</translation>
    </message>
    <message>
        <location filename="../ui/chat/reply_turn.py" line="+38"/>
        <source>Waiting for the server&apos;s reply…</source>
        <translation>正在等待服务器回复…</translation>
    </message>
    <message>
        <location filename="../ui/chat/user_view.py" line="-40"/>
        <source>Your message</source>
        <translation>你的消息</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Save and resend</source>
        <translation>保存并重新发送</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/library/downloads_tab.py" line="+54"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../ui/common/bridge.py" line="+65"/>
        <source>This model&apos;s server is no longer in Settings ▸ Engines. Add it again.</source>
        <translation>该模型所在的服务器已不在“设置 ▸ 引擎”中。请重新添加。</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/common/i18n.py" line="+224"/>
        <source>%n byte(s)</source>
        <translation>
            <numerusform>%n 字节</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../ui/common/prefs.py" line="+36"/>
        <location filename="../ui/library/service.py" line="+233"/>
        <source>Settings could not be saved: {reason}</source>
        <translation>无法保存设置：{reason}</translation>
    </message>
    <message>
        <location filename="../ui/common/store_jobs.py" line="+57"/>
        <source>the chat store is closed</source>
        <translation>对话存储已关闭</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>A change to your chats could not be saved: {reason}</source>
        <translation>无法保存对对话的更改：{reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Saving chats failed: {reason}</source>
        <translation>保存对话失败：{reason}</translation>
    </message>
    <message>
        <location filename="../ui/history/chat_io.py" line="+41"/>
        <source>Chats are not being saved in this session, so there is nothing to export or import into.</source>
        <translation>本次会话没有保存对话，因此无法导出，也无法导入。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>That file is not a Ponder chat export ({reason}).</source>
        <translation>该文件不是 Ponder 导出的对话（{reason}）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>That file is not text.</source>
        <translation>该文件不是文本文件。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>Export as Markdown</source>
        <translation>导出为 Markdown</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include the thinking (as collapsible &lt;details&gt; sections)</source>
        <translation>包含思考过程（作为可折叠的 &lt;details&gt; 段落）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include thinking</source>
        <translation>包含思考过程</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without it, the file holds only your messages and the answers.</source>
        <translation>不包含时，文件中只有你的消息和回答。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>This chat is empty: there is nothing to export yet.</source>
        <translation>这个对话是空的：还没有可导出的内容。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Exported “{title}” to {path}.</source>
        <translation>已将“{title}”导出到 {path}。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Export chat as Markdown</source>
        <translation>将对话导出为 Markdown</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+16"/>
        <source>Could not export the chat: {reason}</source>
        <translation>无法导出对话：{reason}</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Export chat as JSON</source>
        <translation>将对话导出为 JSON</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Export all chats</source>
        <translation>导出全部对话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Zip archive (*.zip)</source>
        <translation>Zip 压缩包 (*.zip)</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>Exported %n chat(s) to {path}.</source>
        <translation>
            <numerusform>已将 %n 个对话导出到 {path}。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Could not export the chats: {reason}</source>
        <translation>无法导出对话：{reason}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Import chat</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ponder chat (*.json);;All files (*)</source>
        <translation>Ponder 对话 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Imported “{title}”.</source>
        <translation>已导入“{title}”。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not import the chat: {reason}</source>
        <translation>无法导入对话：{reason}</translation>
    </message>
    <message>
        <location filename="../ui/history/chat_menu.py" line="+16"/>
        <source>Chat</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat menu</source>
        <translation>对话菜单</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This chat&apos;s settings, export and import</source>
        <translation>当前对话的设置、导出和导入</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Chat settings…</source>
        <translation>对话设置…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export all chats…</source>
        <translation>导出全部对话…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import chat…</source>
        <translation>导入对话…</translation>
    </message>
    <message>
        <location filename="../ui/history/chat_settings.py" line="-32"/>
        <source>Chat settings — {title}</source>
        <translation>对话设置——{title}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chat settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+36"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location line="-34"/>
        <source>Instructions the model sees before this chat, e.g. “Answer briefly.”</source>
        <translation>模型在这个对话之前看到的指示，例如“回答尽量简短。”</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Presets</source>
        <translation>预设</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System prompt presets</source>
        <translation>系统提示词预设</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Preset name</source>
        <translation>预设名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Save as preset</source>
        <translation>存为预设</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>None yet (the model loaded when you send)</source>
        <translation>暂无（发送时使用已加载的模型）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model used</source>
        <translation>使用的模型</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>None</source>
        <comment>no system prompt preset</comment>
        <translation>无</translation>
    </message>
    <message numerus="yes">
        <location filename="../ui/history/feature.py" line="+69"/>
        <source>%n reply(s) were being written when Ponder closed; the text so far is kept, marked as stopped.</source>
        <translation>
            <numerusform>Ponder 关闭时有 %n 条回复正在生成；已生成的文字会保留，并标记为已停止。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Chats are not being saved in this session; there is nothing to move.</source>
        <translation>本次会话没有保存对话；没有可移动的内容。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Wait until the reply has finished, then move the chats.</source>
        <translation>请等回复完成后再移动对话。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Your chats could not be moved: {reason}</source>
        <translation>无法移动你的对话：{reason}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your chats are now kept in {folder}.</source>
        <translation>你的对话现在保存在 {folder}。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>This chat was written with {model}.</source>
        <translation>这个对话是用 {model} 写的。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load it</source>
        <translation>加载它</translation>
    </message>
    <message>
        <location filename="../ui/history/search_results.py" line="+38"/>
        <source>thinking</source>
        <comment>a search hit&apos;s place</comment>
        <translation>思考</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>you</source>
        <comment>a search hit&apos;s place</comment>
        <translation>你</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>answer</source>
        <comment>a search hit&apos;s place</comment>
        <translation>回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{title} ({where}): {snippet}</source>
        <translation>{title}（{where}）：{snippet}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>in thinking:</source>
        <translation>在思考中：</translation>
    </message>
    <message>
        <location line="+28"/>
        <location filename="../ui/library/search_tab.py" line="-8"/>
        <source>Search results</source>
        <translation>搜索结果</translation>
    </message>
    <message>
        <location filename="../ui/history/sidebar.py" line="-38"/>
        <location filename="../ui/settings/dialog.py" line="-83"/>
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>New chat (Ctrl+N)</source>
        <translation>新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search chats (Ctrl+F)</source>
        <translation>搜索对话（Ctrl+F）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No chat titles match.</source>
        <translation>没有匹配的对话标题。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>In messages</source>
        <translation>消息中</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Thinking too</source>
        <translation>包括思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search thinking too</source>
        <translation>同时搜索思考过程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Also search the models&apos; reasoning</source>
        <translation>同时搜索模型的推理过程</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No messages match.</source>
        <translation>没有匹配的消息。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>{title} (pinned)</source>
        <translation>{title}（已置顶）</translation>
    </message>
    <message>
        <location filename="../ui/history/store_chats.py" line="+306"/>
        <source>a reply is being written; move the chats when it has finished</source>
        <translation>有回复正在生成；请等它完成后再移动对话</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Your chats in {path} could not be opened ({reason}). New chats in this session will not be saved.</source>
        <translation>无法打开 {path} 中的对话（{reason}）。本次会话中的新对话将不会保存。</translation>
    </message>
    <message>
        <location filename="../ui/library/catalog_tab.py" line="+32"/>
        <location filename="../ui/library/welcome.py" line="-34"/>
        <source>★ Recommended for this computer</source>
        <translation>★ 最适合这台电脑</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Quant for {model}</source>
        <translation>{model} 的量化版本</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quantisation: smaller files run faster and need less memory; higher ones answer better.</source>
        <translation>量化：文件越小，运行越快、占用内存越少；位数越高，回答质量越好。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+85"/>
        <source>Downloading {percent}</source>
        <translation>正在下载 {percent}</translation>
    </message>
    <message>
        <location line="-84"/>
        <location line="+94"/>
        <location filename="../ui/library/search_tab.py" line="+152"/>
        <source>Download {model}</source>
        <translation>下载 {model}</translation>
    </message>
    <message>
        <location line="-89"/>
        <location line="+88"/>
        <location filename="../ui/library/search_tab.py" line="-133"/>
        <location line="+137"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="-40"/>
        <source>{params} parameters ({active} active)</source>
        <translation>{params} 参数（激活 {active}）</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../ui/library/library_tab.py" line="-65"/>
        <source>{params} parameters</source>
        <translation>{params} 参数</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>{quant} is {size} in %n file(s)</source>
        <translation>
            <numerusform>{quant}：{size}，共 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{quant} is {size}</source>
        <translation>{quant}：{size}</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n 层</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/library/library_tab.py" line="+4"/>
        <source>{tokens}-token context</source>
        <translation>{tokens} token 上下文</translation>
    </message>
    <message>
        <location line="+12"/>
        <location filename="../ui/library/downloads_tab.py" line="+3"/>
        <location filename="../ui/library/library_tab.py" line="+29"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/library/downloads_tab.py" line="+0"/>
        <location filename="../ui/library/library_tab.py" line="+1"/>
        <source>Load {model}</source>
        <translation>加载 {model}</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../ui/library/welcome.py" line="+166"/>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Downloading {model}</source>
        <translation>正在下载 {model}</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../ui/library/downloads_tab.py" line="-9"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/library/downloads_tab.py" line="+0"/>
        <source>Resume {model}</source>
        <translation>继续下载 {model}</translation>
    </message>
    <message>
        <location line="+20"/>
        <location filename="../ui/library/welcome.py" line="-46"/>
        <source>Checking the Hub…</source>
        <translation>正在查询 Hub…</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../ui/library/welcome.py" line="+19"/>
        <source>Could not download {model}: {reason}</source>
        <translation>无法下载 {model}：{reason}</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Checking this computer…</source>
        <translation>正在检查这台电脑…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>GPU note</source>
        <translation>GPU 说明</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model catalog</source>
        <translation>模型目录</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The model catalog is missing from this installation.</source>
        <translation>当前安装中缺少模型目录。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Fit for this computer ({machine}) with a {tokens}-token context. Hover a badge for the memory estimate.</source>
        <translation>按这台电脑（{machine}）和 {tokens} token 的上下文评估能否运行。将鼠标悬停在标签上可查看内存估算。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fit for this computer ({machine}) with Auto context (the largest that fits, per model). Hover a badge for the memory estimate.</source>
        <translation>按这台电脑（{machine}）和自动上下文（每个模型能容纳的最大值）评估能否运行。将鼠标悬停在标签上可查看内存估算。</translation>
    </message>
    <message>
        <location filename="../ui/library/dialog.py" line="+28"/>
        <location line="+1"/>
        <location filename="../ui/library/feature.py" line="+61"/>
        <location line="+1"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Models sections</source>
        <translation>模型分区</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Catalog</source>
        <translation>目录</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../ui/library/search_tab.py" line="-168"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+21"/>
        <location filename="../ui/library/downloads_tab.py" line="+77"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Downloads ({count})</source>
        <translation>下载（{count}）</translation>
    </message>
    <message>
        <location filename="../ui/library/downloads_tab.py" line="-107"/>
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Download of {model}</source>
        <translation>{model} 的下载</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../ui/library/search_tab.py" line="+34"/>
        <location filename="../ui/library/welcome.py" line="-97"/>
        <source>Download status</source>
        <translation>下载状态</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Pause {model}</source>
        <translation>暂停 {model}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Retry {model}</source>
        <translation>重试 {model}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cancel {model}</source>
        <translation>取消 {model}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear {model}</source>
        <translation>清除 {model}</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear finished downloads</source>
        <translation>清除已完成的下载</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No downloads. Find a model in the Catalog or Search tab.</source>
        <translation>没有下载任务。可以在“目录”或“搜索”页找到模型。</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Downloads continue in the background and resume after a restart.</source>
        <translation>下载会在后台进行，重启后自动继续。</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>%n downloading or waiting · {size} to go.</source>
        <translation>
            <numerusform>%n 个正在下载或等待 · 还剩 {size}。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing downloading now.</source>
        <translation>当前没有下载任务。</translation>
    </message>
    <message>
        <location filename="../ui/library/feature.py" line="-11"/>
        <source>Models…</source>
        <translation>模型…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Models: library, catalog, search and downloads ({keys})</source>
        <translation>模型：模型库、目录、搜索和下载（{keys}）</translation>
    </message>
    <message>
        <location filename="../ui/library/library_tab.py" line="-28"/>
        <source>from {repo}</source>
        <translation>来自 {repo}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>linked file</source>
        <translation>链接的文件</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>loaded now</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>This file cannot be loaded: see the problem below its name.</source>
        <translation>该文件无法加载：请查看文件名下方的问题说明。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show {model} in folder</source>
        <translation>在文件夹中显示 {model}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete {model}</source>
        <translation>删除 {model}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Remove it from the list? The file stays where it is.</source>
        <translation>从列表中移除？文件仍保留在原处。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete it and free {size}?</source>
        <translation>删除它并释放 {size}？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confirm delete</source>
        <translation>确认删除</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Add a .gguf file…</source>
        <translation>添加 .gguf 文件…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add a model file</source>
        <translation>添加模型文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open models folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change folder…</source>
        <translation>更改文件夹…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Change models folder</source>
        <translation>更改模型文件夹</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Library message</source>
        <translation>模型库消息</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Library notice</source>
        <translation>模型库通知</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No models yet. Download one from the Catalog or Search tab, or drop a .gguf file here.</source>
        <translation>还没有模型。可以在“目录”或“搜索”页下载一个，或把 .gguf 文件拖到这里。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Models on this computer, in {folder}.</source>
        <translation>这台电脑上的模型，位于 {folder}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reading the models folder {folder}…</source>
        <translation>正在读取模型文件夹 {folder}…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Add models</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <location filename="../ui/main_window.py" line="+324"/>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{file} was not added: {reason}</source>
        <translation>未能添加 {file}：{reason}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{model} was not removed: {reason}</source>
        <translation>未能移除 {model}：{reason}</translation>
    </message>
    <message>
        <location line="+7"/>
        <location filename="../ui/library/service.py" line="-37"/>
        <source>Pause or finish downloads first, then change the models folder.</source>
        <translation>请先暂停或完成下载，再更改模型文件夹。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Choose the models folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Models are now kept in {folder}. Models already downloaded stay in {old}; add them with Add a .gguf file… if you want them listed.</source>
        <translation>模型现在保存在 {folder}。已下载的模型仍在 {old}；如需在列表中显示，可用“添加 .gguf 文件…”添加。</translation>
    </message>
    <message>
        <location filename="../ui/library/search_tab.py" line="-55"/>
        <source>{count} downloads</source>
        <translation>{count} 次下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} likes</source>
        <translation>{count} 个赞</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>updated {date}</source>
        <translation>更新于 {date}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>gated: needs a token</source>
        <translation>受限：需要访问令牌</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Search models</source>
        <translation>搜索模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search the Hugging Face Hub for GGUF models, e.g. Qwen3 8B</source>
        <translation>在 Hugging Face Hub 上搜索 GGUF 模型，例如 Qwen3 8B</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Searches go to huggingface.co; nothing else leaves this computer.</source>
        <translation>搜索请求会发送到 huggingface.co；除此之外，任何内容都不会离开这台电脑。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search status</source>
        <translation>搜索状态</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+61"/>
        <source>Choose a repository to see its model files.</source>
        <translation>选择一个仓库以查看其中的模型文件。</translation>
    </message>
    <message>
        <location line="-58"/>
        <source>Model files</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quant</source>
        <translation>量化</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Searching for “{query}”…</source>
        <translation>正在搜索“{query}”…</translation>
    </message>
    <message numerus="yes">
        <location line="+21"/>
        <source>%n repository(s) with GGUF files match “{query}”. Choose one to see its models.</source>
        <translation>
            <numerusform>有 %n 个包含 GGUF 文件的仓库与“{query}”匹配。选择一个以查看其中的模型。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No GGUF repositories match “{query}”.</source>
        <translation>没有与“{query}”匹配的 GGUF 仓库。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Listing the model files in {repo}…</source>
        <translation>正在列出 {repo} 中的模型文件…</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n 个分卷</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{parts} (incomplete)</source>
        <translation>{parts}（不完整）</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>{repo}: %n GGUF model(s). Choose one and Download.</source>
        <translation>
            <numerusform>{repo}：%n 个 GGUF 模型。选择一个，然后点击“下载”。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{repo} has no GGUF model files.</source>
        <translation>{repo} 中没有 GGUF 模型文件。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Queueing {model}…</source>
        <translation>正在将 {model} 加入队列…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{model} is in Downloads.</source>
        <translation>{model} 已加入“下载”。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Saving the token…</source>
        <translation>正在保存访问令牌…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The token is kept for this session only (no credential store was found).</source>
        <translation>访问令牌只在本次会话中保留（未找到系统凭据存储）。</translation>
    </message>
    <message>
        <location filename="../ui/library/service.py" line="+4"/>
        <source>Cannot use {folder}: {reason}</source>
        <translation>无法使用 {folder}：{reason}</translation>
    </message>
    <message>
        <location filename="../ui/library/text.py" line="+25"/>
        <source>Hybrid thinking</source>
        <translation>混合思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thinks always</source>
        <translation>总是思考</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Instruct only</source>
        <translation>仅指令</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Thinks before answering, or answers at once: switch it per message with Think.</source>
        <translation>可以先思考再回答，也可以直接回答：每条消息都可以用“思考”开关切换。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Always reasons before answering (a thinking-only model).</source>
        <translation>总是先推理再回答（纯思考模型）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answers at once and never shows reasoning (an instruct-only model).</source>
        <translation>直接回答，不展示推理过程（纯指令模型）。</translation>
    </message>
    <message numerus="yes">
        <location line="+17"/>
        <source>%n s left</source>
        <translation>
            <numerusform>还剩 %n 秒</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>about %n min left</source>
        <translation>
            <numerusform>还剩约 %n 分钟</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>about {hours} h {minutes} min left</source>
        <translation>还剩约 {hours} 小时 {minutes} 分钟</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Waiting to start · {done}</source>
        <translation>等待开始 · {done}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Waiting to start</source>
        <translation>等待开始</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checking the download · {done}</source>
        <translation>正在校验下载内容 · {done}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checking what is already here · {done}</source>
        <translation>正在检查已有的部分 · {done}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{size}/s</source>
        <translation>{size}/秒</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Paused · {done}</source>
        <translation>已暂停 · {done}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Downloaded · {size}</source>
        <translation>已下载 · {size}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The download failed.</source>
        <translation>下载失败。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{size} free RAM</source>
        <translation>可用内存 {size}</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n CPU core(s)</source>
        <translation>
            <numerusform>%n 个 CPU 核心</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>no GPU</source>
        <translation>无 GPU</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{gpu} (shared memory)</source>
        <translation>{gpu}（共享内存）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{gpu}, {size} free</source>
        <translation>{gpu}，可用 {size}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{gpu} (not used by this build)</source>
        <translation>{gpu}（当前版本未使用）</translation>
    </message>
    <message>
        <location filename="../ui/library/welcome.py" line="-58"/>
        <source>Welcome</source>
        <translation>欢迎</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Welcome to Ponder</source>
        <translation>欢迎使用 Ponder</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ponder chats with Qwen3 models that run on this computer: nothing you type leaves it. To begin, download a model once.</source>
        <translation>Ponder 使用在这台电脑上运行的 Qwen3 模型与你对话：你输入的任何内容都不会离开这台电脑。开始之前，只需下载一次模型。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Checking what this computer can run…</source>
        <translation>正在检查这台电脑能运行哪些模型…</translation>
    </message>
    <message>
        <location line="+19"/>
        <location line="+136"/>
        <location line="+12"/>
        <location line="+5"/>
        <source>Download and open</source>
        <translation>下载并打开</translation>
    </message>
    <message>
        <location line="-149"/>
        <source>Choose another…</source>
        <translation>选择其他模型…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Choose another model</source>
        <translation>选择其他模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open a .gguf file…</source>
        <translation>打开 .gguf 文件…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open a model file</source>
        <translation>打开模型文件</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Connect to a server</source>
        <translation>连接服务器</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Nothing in the catalog runs well on this computer.</source>
        <translation>目录中没有能在这台电脑上流畅运行的模型。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is too little free memory for even the smallest Qwen3 model at this context size. Close other programs, or choose a model yourself.</source>
        <translation>在当前上下文大小下，可用内存连最小的 Qwen3 模型都放不下。请关闭其他程序，或自行选择模型。</translation>
    </message>
    <message numerus="yes">
        <location line="+12"/>
        <source>A {size} download in %n file(s).</source>
        <translation>
            <numerusform>需下载 {size}，共 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A {size} download.</source>
        <translation>需下载 {size}。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{download} {kind}</source>
        <comment>two sentences</comment>
        <translation>{download}{kind}</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+38"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Opening…</source>
        <translation>正在打开…</translation>
    </message>
    <message>
        <location filename="../ui/library/widgets.py" line="+74"/>
        <source>Checking fit…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{estimate} (at a {tokens}-token context)</source>
        <translation>{estimate}（按 {tokens} token 的上下文计算）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Fit: {verdict}</source>
        <translation>适配情况：{verdict}</translation>
    </message>
    <message>
        <location line="+97"/>
        <source>This repository needs a Hugging Face access token. Create a read token at huggingface.co/settings/tokens (and accept the model&apos;s terms there if it is gated), then paste it here. It is kept in the system&apos;s credential store (without one, for this session only) and never written to a file or a log.</source>
        <translation>这个仓库需要 Hugging Face 访问令牌。请在 huggingface.co/settings/tokens 创建一个只读令牌（如果模型受限，还需在那里接受模型条款），然后粘贴到这里。令牌保存在系统的凭据存储中（没有凭据存储时只在本次会话中保留），绝不会写入文件或日志。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Hugging Face token</source>
        <translation>Hugging Face 访问令牌</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save token and retry</source>
        <translation>保存令牌并重试</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save token</source>
        <translation>保存令牌</translation>
    </message>
    <message>
        <location filename="../ui/main.py" line="-1"/>
        <source>The model file {path} does not exist.</source>
        <translation>模型文件 {path} 不存在。</translation>
    </message>
    <message>
        <location filename="../ui/main_window.py" line="-273"/>
        <source>Ask anything.
The model runs on this computer; nothing leaves it.</source>
        <translation>想问什么都可以。
模型在这台电脑上运行，任何内容都不会离开它。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a model to begin: Model ▸ Open model…, or drop a .gguf file here.</source>
        <translation>打开一个模型即可开始：模型 ▸ 打开模型…，或把 .gguf 文件拖到这里。</translation>
    </message>
    <message>
        <location line="+106"/>
        <location line="+1"/>
        <location filename="../ui/settings/dialog.py" line="-13"/>
        <location line="+1"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings (Ctrl+,)</source>
        <translation>设置（Ctrl+,）</translation>
    </message>
    <message>
        <location line="+118"/>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../ui/settings/data_folder.py" line="+20"/>
        <source>Your chats are kept in one database file in this folder:</source>
        <translation>你的对话保存在这个文件夹中的一个数据库文件里：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Move to another folder…</source>
        <translation>移动到其他文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move chats to another folder</source>
        <translation>将对话移动到其他文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The database is copied, checked, and only then removed from here.</source>
        <translation>数据库会先被复制并校验，然后才会从这里删除。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Move chats to</source>
        <translation>将对话移动到</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>That is where the chats are now.</source>
        <translation>对话现在就在这里。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The chats move to {folder} when you press OK.</source>
        <translation>按“确定”后，对话将移动到 {folder}。</translation>
    </message>
    <message>
        <location filename="../ui/settings/dialog.py" line="-79"/>
        <source>Auto (f16, or q8_0 when that lets the context fit)</source>
        <translation>自动（f16；上下文放不下时用 q8_0）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>f16 (full precision)</source>
        <translation>f16（全精度）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>q8_0 (half the memory)</source>
        <translation>q8_0（内存减半）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>q4_0 (a quarter; slightly less exact)</source>
        <translation>q4_0（四分之一内存；精度略低）</translation>
    </message>
    <message>
        <location line="+14"/>
        <location line="+11"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location line="-10"/>
        <location line="+11"/>
        <source>Top P</source>
        <translation>Top P</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+9"/>
        <source>Top K</source>
        <translation>Top K</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+9"/>
        <source>Min P</source>
        <translation>Min P</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+9"/>
        <source>Presence penalty</source>
        <translation>存在惩罚</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Reset to Qwen defaults</source>
        <translation>恢复 Qwen 默认值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reset sampling: {mode}</source>
        <translation>重置采样：{mode}</translation>
    </message>
    <message>
        <location line="+63"/>
        <source>Model loading</source>
        <translation>模型加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../ui/settings/engines_page.py" line="+62"/>
        <source>Engines</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../ui/settings/server_page.py" line="+188"/>
        <source>Server</source>
        <translation>API 服务</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../ui/settings/language_page.py" line="+15"/>
        <location line="+11"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+22"/>
        <location line="+27"/>
        <source> tokens</source>
        <translation> token</translation>
    </message>
    <message>
        <location line="-24"/>
        <location line="+31"/>
        <location line="+16"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Context size automatic</source>
        <translation>自动上下文大小</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The largest context that fits this computer, up to the model&apos;s native length</source>
        <translation>这台电脑能容纳的最大上下文，不超过模型的原生长度</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Context note</source>
        <translation>上下文说明</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Auto (15% of the context, at least 1,024)</source>
        <translation>自动（上下文的 15%，至少 1,024）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+27"/>
        <source>Answer reserve</source>
        <translation>回答预留</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Context kept for the answer while the model reasons: a reply always ends in one</source>
        <translation>模型推理时为回答预留的上下文：确保每条回复最后都有回答</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>GPU layers automatic</source>
        <translation>自动 GPU 层数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>All layers</source>
        <translation>全部层</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+18"/>
        <source>GPU offload layers</source>
        <translation>GPU 卸载层数</translation>
    </message>
    <message>
        <location line="-6"/>
        <location line="+14"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>KV cache</source>
        <translation>KV 缓存</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>GPU offload note</source>
        <translation>GPU 卸载说明</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Changes apply the next time a model loads (Model ▸ Reload model).</source>
        <translation>更改将在下次加载模型时生效（模型 ▸ 重新加载模型）。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Auto: the largest context that fits this computer, up to the model&apos;s {tokens} tokens.</source>
        <translation>自动：使用这台电脑能容纳的最大上下文，最多为模型的 {tokens} 个 token。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Auto: the largest context that fits this computer.</source>
        <translation>自动：使用这台电脑能容纳的最大上下文。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>YaRN on: the model&apos;s native {tokens} tokens stretched ×{factor}. Long inputs work; short prompts get slightly weaker answers.</source>
        <translation>已启用 YaRN：将模型原生的 {tokens} 个 token 扩展 ×{factor}。可以处理长输入；短提示词的回答质量会略有下降。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Thinking</source>
        <comment>a mode&apos;s sampling</comment>
        <translation>思考模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No thinking</source>
        <comment>a mode&apos;s sampling</comment>
        <translation>非思考模式</translation>
    </message>
    <message>
        <location filename="../ui/settings/engines_page.py" line="-11"/>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n model(s)</source>
        <translation>
            <numerusform>%n 个模型</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>⚠ unencrypted</source>
        <translation>⚠ 未加密</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Run models on a llama.cpp, vLLM, SGLang, Ollama or LM Studio server, or any OpenAI-compatible one. Their models appear in the model picker beside the local ones.</source>
        <translation>在 llama.cpp、vLLM、SGLang、Ollama、LM Studio 服务器或任何 OpenAI 兼容服务器上运行模型。它们的模型会和本地模型一起出现在模型选择器中。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Servers</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Remove server</source>
        <translation>移除服务器</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+12"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="-11"/>
        <source>optional; kept in the system keyring</source>
        <translation>可选；保存在系统密钥环中</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Add server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Unencrypted connection warning</source>
        <translation>未加密连接警告</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../ui/settings/server_page.py" line="+12"/>
        <source>Server status</source>
        <translation>服务器状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Connecting to {url}…</source>
        <translation>正在连接 {url}…</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>Added {server} at {url}: %n model(s).</source>
        <translation>
            <numerusform>已添加位于 {url} 的 {server}：%n 个模型。</numerusform>
        </translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Could not add the server: {reason}</source>
        <translation>无法添加服务器：{reason}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Server removed; its key was deleted from the keyring.</source>
        <translation>已移除服务器；它的密钥也已从密钥环中删除。</translation>
    </message>
    <message>
        <location filename="../ui/settings/language_page.py" line="-9"/>
        <source>As the system ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Ponder shows the new language when it next starts.</source>
        <translation>Ponder 下次启动时将使用新的语言。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Numbers and sizes follow the language too.</source>
        <translation>数字和大小的写法也随语言而定。</translation>
    </message>
    <message>
        <location filename="../ui/settings/rpc_section.py" line="+76"/>
        <source>Share this computer</source>
        <translation>共享这台电脑</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Let other computers on this network use it</source>
        <translation>允许本网络中的其他电脑使用它</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Share on the network</source>
        <translation>在网络上共享</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Worker port</source>
        <translation>工作节点端口</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+67"/>
        <source>Start sharing</source>
        <translation>开始共享</translation>
    </message>
    <message>
        <location line="-63"/>
        <source>No authentication, no encryption: anyone on the network can use this computer&apos;s memory and see what it computes. Share on a trusted network only.</source>
        <translation>没有身份验证，也没有加密：网络中的任何人都能使用这台电脑的内存，并看到它计算的内容。请只在可信的网络中共享。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sharing warning</source>
        <translation>共享警告</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>this port</source>
        <translation>这个端口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sharing status</source>
        <translation>共享状态</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../ui/settings/server_page.py" line="-5"/>
        <location line="+18"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+26"/>
        <source>Not shared.</source>
        <translation>未共享。</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Shared at {address}. On the other computer, add this address under Other computers.</source>
        <translation>已在 {address} 共享。请在另一台电脑的“其他电脑”中添加这个地址。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shared at {address} (programs on this computer only). On the other computer, add this address under Other computers.</source>
        <translation>已在 {address} 共享（仅限这台电脑上的程序）。请在另一台电脑的“其他电脑”中添加这个地址。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sharing stopped: {reason}</source>
        <translation>共享已停止：{reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stop sharing</source>
        <translation>停止共享</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+11"/>
        <source>Other computers</source>
        <translation>其他电脑</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Spread a model&apos;s layers over these computers (running Share this computer or `ponder worker`).</source>
        <translation>把模型的层分布到这些电脑上（它们需运行“共享这台电脑”或 `ponder worker`）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Other computers note</source>
        <translation>其他电脑说明</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Computer address</source>
        <translation>电脑地址</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add computer</source>
        <translation>添加电脑</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove computer</source>
        <translation>移除电脑</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Other computers status</source>
        <translation>其他电脑状态</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Added {computers}.</source>
        <translation>已添加 {computers}。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Already in the list.</source>
        <translation>已在列表中。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Removed {computer}.</source>
        <translation>已移除 {computer}。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Asking {computers}…</source>
        <translation>正在询问 {computers}…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{computer}: {size} free.</source>
        <translation>{computer}：可用 {size}。</translation>
    </message>
    <message>
        <location filename="../ui/settings/server_page.py" line="-148"/>
        <location line="+75"/>
        <source>Off.</source>
        <translation>已关闭。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>On: waiting for a model to load.</source>
        <translation>已开启：等待模型加载。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Serving {model} at {url}</source>
        <translation>正在 {url} 提供 {model}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Port {port} cannot be used ({reason}). Choose another.</source>
        <translation>无法使用端口 {port}（{reason}）。请换一个。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server did not start: {reason}</source>
        <translation>服务未能启动：{reason}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Serve the loaded model on localhost</source>
        <translation>在 localhost 上提供已加载的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Serve the loaded model</source>
        <translation>提供已加载的模型</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Other apps on this computer reach the model through the OpenAI API at this address. Thinking budgets: thinking_budget, thinking_token_budget or reasoning_budget_tokens. To serve other computers, use ponder serve with an API key.</source>
        <translation>这台电脑上的其他应用可以通过这个地址的 OpenAI API 使用模型。思考预算参数：thinking_budget、thinking_token_budget 或 reasoning_budget_tokens。如需为其他电脑提供服务，请使用带 API 密钥的 ponder serve。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../ui/chat/conversation.py" line="+118"/>
        <source>Conversation</source>
        <translation>对话内容</translation>
    </message>
    <message>
        <location filename="../ui/chat/markdown_view.py" line="+233"/>
        <source>{name} (continued)</source>
        <translation>{name}（续）</translation>
    </message>
    <message>
        <location filename="../ui/chat/presenter.py" line="+275"/>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show later messages</source>
        <translation>显示更新的消息</translation>
    </message>
    <message>
        <location filename="../ui/chat/reply_stream.py" line="+122"/>
        <source>Reading the prompt ({tokens} tokens)…</source>
        <translation>正在读取提示词（{tokens} 个 token）…</translation>
    </message>
    <message>
        <location filename="../ui/chat/thinking_panel.py" line="-33"/>
        <source>Thinking… {tokens} tokens / {budget}</source>
        <translation>思考中… {tokens} / {budget} token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thinking… {tokens} tokens</source>
        <translation>思考中… {tokens} token</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>budget reached</source>
        <translation>已达预算</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>context limit reached</source>
        <translation>已达上下文上限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>answered early</source>
        <translation>提前回答</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Thought for {seconds} s · {tokens} tokens</source>
        <translation>已思考 {seconds} 秒 · {tokens} token</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Thinking text</source>
        <translation>思考内容</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Hide thinking</source>
        <translation>隐藏思考过程</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show thinking</source>
        <translation>显示思考过程</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hide the reasoning</source>
        <translation>隐藏推理过程</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the reasoning</source>
        <translation>显示推理过程</translation>
    </message>
</context>
</TS>
