-- sockspec: evaluates many capture checks in a single tshark pass.
--
-- Loaded by sockspec/tshark.py as  tshark -q -X lua_script:checks.lua -X lua_script1:SPEC
-- SPEC has one line per check:
--   index TAB interface TAB hex(filter) TAB hex(field),hex(field)... TAB hex(exclude) TAB limit
-- exclude: a filter of packets the check never counts (TCP retransmissions, unless the
-- check asks for them), empty for none; limit: seconds since the epoch, only packets
-- captured at or before it count (empty: the whole capture).
-- Output on stdout, one line per event:
--   M TAB index TAB frame number [TAB value]...   a packet matched check "index"
--   E TAB index TAB message                       the check cannot be evaluated
--   READY TAB number of checks                     set-up done (before any packet)
-- Every check gets its own tap listener with its own display filter, so a filter tshark
-- rejects fails that check alone.

local spec_path = ({...})[1]

local function unhex(s)
  return (s:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end))
end

local escapes = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }
local function esc(s)
  return (tostring(s):gsub("[\\\t\n\r]", escapes))
end

local extractors = {}
local function extractor(name)
  local f = extractors[name]
  if f == nil then
    f = Field.new(name)          -- raises for a field tshark does not know
    extractors[name] = f
  end
  return f
end

-- All occurrences of a field, as tshark -T fields -E occurrence=a shows them.
local function all_values(f)
  return function()
    local parts = {}
    for _, fi in ipairs({ f() }) do parts[#parts + 1] = tostring(fi) end
    return table.concat(parts, ",")
  end
end

-- The outermost occurrence only (pseudo-fields: an ICMP error quotes inner headers).
local function first_value(f)
  return function()
    local fi = f()
    if fi == nil then return "" end
    return tostring(fi)
  end
end

local function getter(name)
  if name == "tcp.flagset" then
    return first_value(extractor("tcp.flags"))
  elseif name == "dir" then
    local s4, d4 = extractor("ip.src"), extractor("ip.dst")
    local s6, d6 = extractor("ipv6.src"), extractor("ipv6.dst")
    return function()
      local s, d = s4(), d4()
      if s == nil then s, d = s6(), d6() end
      if s == nil or d == nil then return "" end
      return tostring(s) .. ">" .. tostring(d)
    end
  end
  return all_values(extractor(name))
end

local function clean(err)
  return (tostring(err):gsub("^[^\n]-:%d+: ", ""))
end

local function add_check(index, iface, filter, fields, exclude, limit)
  local ok, err = pcall(function()
    local probe = Listener.new(nil, filter)   -- the filter alone must compile
    probe:remove()
  end)
  if not ok then
    io.write("E\t", index, "\t", esc(clean(err)), "\n")
    return
  end
  local getters = {}
  for _, name in ipairs(fields) do
    local gok, g = pcall(getter, name)
    if not gok then
      io.write("E\t", index, "\t", esc("unknown field " .. name .. ": " .. clean(g)), "\n")
      return
    end
    getters[#getters + 1] = g
  end
  local full = "frame.interface_id == " .. iface .. " && (" .. filter .. ")"
  if exclude ~= "" then full = full .. " && !(" .. exclude .. ")" end
  local lok, listener = pcall(Listener.new, nil, full)
  if not lok then
    io.write("E\t", index, "\t", esc(clean(listener)), "\n")
    return
  end
  function listener.packet(pinfo)
    if limit ~= nil and pinfo.abs_ts > limit then return end
    local row = { "M", index, pinfo.number }
    for _, g in ipairs(getters) do row[#row + 1] = esc(g()) end
    io.write(table.concat(row, "\t"), "\n")
  end
end

local count = 0
for line in io.lines(spec_path) do
  count = count + 1
  local index, iface, hfilter, hfields, hexclude, limit =
    line:match("^(%d+)\t(%d+)\t(%x*)\t([%x,]*)\t(%x*)\t([%d.]*)$")
  if index then
    local fields = {}
    for hf in hfields:gmatch("%x+") do fields[#fields + 1] = unhex(hf) end
    add_check(index, iface, unhex(hfilter), fields, unhex(hexclude), tonumber(limit))
  end
end

-- Tells the harness the script ran to the end of its set-up (a tshark that skips Lua,
-- e.g. one configured to refuse scripts as root, must not look like "nothing matched").
io.write("READY\t", count, "\n")
